/**
 * `run --shard i/N` end to end: two shards of a small selection run as separate processes into
 * separate folders, `bootspec report` merges them into the same verdicts as one unsharded run, and
 * a missing shard is reported (exit 1, its scenarios as errors that name it), never dropped.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDocuments } from '../../harness/report/history.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO, 'bin/bootspec.js');
const RUNTIME = join(REPO, 'runtimes-under-test/node-plain');
const work = mkdtempSync(join(tmpdir(), 'bootspec-shards-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function bootspec(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, encoding: 'utf8', timeout: 180_000 });
}

type Doc = { runs: Array<{ runtime: { name: string }; results: Array<{ id: string; verdict: string; message: string }> }>; shard?: { index: number } };
const verdicts = (runs: Doc['runs']) => Object.fromEntries(runs.flatMap((r) => r.results.filter((x) => !x.message.startsWith('not selected')).map((x) => [`${r.runtime.name} ${x.id}`, x.verdict])));

const file = (name: string) => join(work, name, 'results.json');

beforeAll(() => {
  for (const [name, extra] of [['shard-1', ['--shard', '1/2']], ['shard-2', ['--shard', '2/2']], ['whole', []]] as const) {
    mkdirSync(join(work, name));
    const r = bootspec(['run', RUNTIME, '--only', 'startup,trace', '--quiet', '--json', file(name), ...extra]);
    if (r.status !== 0 && r.status !== 1) throw new Error(`bootspec run ${name} exited ${r.status}: ${r.stderr}`);
  }
}, 600_000);

describe('run --shard i/N and report', () => {
  it('splits the selection: each shard runs part of it, together all of it, none twice', () => {
    const parts = ['shard-1', 'shard-2'].map((n) => Object.keys(verdicts((JSON.parse(readFileSync(file(n), 'utf8')) as Doc).runs)));
    expect(parts[0]?.length).toBeGreaterThan(0);
    expect(parts[1]?.length).toBeGreaterThan(0);
    expect(parts[0]?.filter((k) => parts[1]?.includes(k))).toEqual([]);
    const whole = Object.keys(verdicts((JSON.parse(readFileSync(file('whole'), 'utf8')) as Doc).runs));
    expect([...(parts[0] ?? []), ...(parts[1] ?? [])].sort()).toEqual(whole.sort());
  });

  it('merges the shards into the verdicts of the unsharded run', () => {
    const merged = loadDocuments([{ file: file('shard-1') }, { file: file('shard-2') }]);
    expect(merged.problems).toEqual([]);
    expect(merged.docs).toHaveLength(1);
    const doc = merged.docs[0];
    if (doc?.kind !== 'results') throw new Error('the merge is not a results document');
    const whole = JSON.parse(readFileSync(file('whole'), 'utf8')) as Doc;
    expect(verdicts(doc.doc.runs as Doc['runs'])).toEqual(verdicts(whole.runs));
    const r = bootspec(['report', file('shard-1'), file('shard-2'), '--markdown', join(work, 'merged.md'), '--html', join(work, 'site')]);
    expect(r.status, r.stderr).toBe(0);
  });

  it('reports a missing shard: exit 1, its scenarios as errors naming it', () => {
    const r = bootspec(['report', file('shard-1'), '--markdown', join(work, 'partial.md')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/shard 2\/2 of group \w+ is missing: its \d+ scenario run\(s\) have no result/);
    const merged = loadDocuments([{ file: file('shard-1') }]);
    const doc = merged.docs[0];
    if (doc?.kind !== 'results') throw new Error('no merged document');
    const errors = doc.doc.runs.flatMap((run) => run.results.filter((x) => x.verdict === 'error'));
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e.message).toMatch(/shard 2\/2 is missing/);
  });
});
