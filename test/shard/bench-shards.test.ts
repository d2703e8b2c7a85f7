/**
 * `bench --shard i/N` end to end, tiny: two shards of an A/B bench (null-c against itself) run as
 * separate processes into separate folders, each with its own floor; merged they hold the same
 * phases, figures and compared figures as one unsharded run, and `bootspec report` names a missing
 * shard (exit 1) instead of dropping it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaProblems } from '../../harness/bench/result-file.ts';
import type { BenchResult } from '../../harness/bench/types.ts';
import { baselineOf, type BenchShardDoc, mergeBenchShards } from '../../harness/shard/bench-merge.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO, 'bin/bootspec.js');
const NULL_C = join(REPO, 'runtimes-under-test/null-c');
const work = mkdtempSync(join(tmpdir(), 'bootspec-bench-shards-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const TINY = ['--phases', 'floor,latency,cold-start,memory', '--invokes', '20', '--warmup', '5', '--rounds', '3', '--payloads', '0', '--cold-starts', '3', '--memory-invokes', '100', '--resamples', '100', '--pin', 'none', '--quiet'];

function bootspec(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, encoding: 'utf8', timeout: 180_000 });
}

const file = (name: string) => join(work, name, 'bench.json');
const read = <T>(name: string) => JSON.parse(readFileSync(file(name), 'utf8')) as T;

beforeAll(() => {
  for (const [name, extra] of [['shard-1', ['--shard', '1/2']], ['shard-2', ['--shard', '2/2']], ['whole', []]] as const) {
    mkdirSync(join(work, name));
    const r = bootspec(['bench', NULL_C, '--vs', NULL_C, ...TINY, '--json', file(name), ...extra]);
    if (r.status !== 0 && r.status !== 1) throw new Error(`bootspec bench ${name} exited ${r.status}: ${r.stderr}`);
  }
}, 600_000);

/** What a result has figures for: its phases, and per side which of the phase figures are there. */
function units(r: BenchResult) {
  const side = (s: Pick<BenchResult, 'latency' | 'coldStart' | 'memory' | 'raw'>) => ({
    latencySamples: s.latency.samples > 0,
    latencyBlocks: Object.fromEntries(Object.entries(s.raw.latency).map(([k, v]) => [k, v.mock.length])),
    sequentialBlocks: s.raw.sequential.length,
    coldStarts: s.raw.coldStartMs.length,
    memory: s.memory !== null,
  });
  return { phases: r.settings.phases, floor: r.floor !== null, a: side(r), b: r.vs ? side(r.vs) : null, compared: r.comparison?.figures.map((f) => f.figure).sort() };
}

describe('bench --shard i/N and report', () => {
  it('splits the phases: each shard measures its own and the floor beside them', () => {
    const [one, two] = [read<BenchShardDoc>('shard-1'), read<BenchShardDoc>('shard-2')];
    expect(one.shard.group).toBe(two.shard.group);
    for (const d of [one, two]) {
      expect(d.settings.phases[0]).toBe('floor');
      expect(d.floor).not.toBeNull();
      expect(Object.keys(d.shard.durationsMs).length).toBeGreaterThan(0);
    }
    const own = (d: BenchShardDoc) => d.settings.phases.filter((p) => p !== 'floor');
    expect([...own(one), ...own(two)].sort()).toEqual(['cold-start', 'latency', 'memory']);
  });

  it('merges the shards into the same phases, figures and compared figures as the unsharded run', () => {
    const problems: string[] = [];
    const merged = mergeBenchShards(['shard-2', 'shard-1'].map((n) => ({ file: file(n), doc: read<BenchShardDoc>(n) })), problems);
    expect(problems).toEqual([]);
    expect(units(merged)).toEqual(units(read<BenchResult>('whole')));
    expect(merged.mergedShards.floors.map((f) => f.index)).toEqual([1, 2]);
    expect(merged.mergedShards.missing).toEqual([]);
    // a merged split is a bench document like any other (a later --baseline can read it)
    expect(schemaProblems(merged)).toEqual([]);
    expect(schemaProblems(read('shard-1'))).toEqual([]);
    const r = bootspec(['report', file('shard-1'), file('shard-2'), '--markdown', join(work, 'merged.md')]);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(work, 'merged.md'), 'utf8')).toMatch(/null-c/);
  });

  it('names a missing shard and its phases: exit 1, and the comparison cannot say unchanged', () => {
    const r = bootspec(['report', file('shard-1'), '--markdown', join(work, 'partial.md')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bench shard 2\/2 of group \w+ is missing: its phase\(s\) [a-z, -]+ have no figures/);
    const problems: string[] = [];
    const merged = mergeBenchShards([{ file: file('shard-1'), doc: read<BenchShardDoc>('shard-1') }], problems);
    expect(problems).toHaveLength(1);
    expect(merged.mergedShards.missing.map((m) => m.index)).toEqual([2]);
    expect(['inconclusive', 'regressed']).toContain(merged.comparison?.verdict);
  });

  it('takes every shard of a saved split as one --baseline, and refuses a partial one by name', () => {
    const readDoc = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as BenchResult;
    const whole = baselineOf([file('shard-1'), file('shard-2')], readDoc);
    expect(whole.raw.coldStartMs).toHaveLength(3);
    expect(whole.raw.sequential.length).toBeGreaterThan(0);
    expect(() => baselineOf([file('shard-2')], readDoc)).toThrow(/bench shard 1\/2 of group \w+ is missing/);
    expect(() => baselineOf([file('shard-1'), file('whole')], readDoc)).toThrow(/not the shards of one split/);
  });
});
