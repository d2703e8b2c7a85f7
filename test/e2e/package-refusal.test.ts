/**
 * A runtime whose own package is over Lambda's layer limits gets verdicts, not harness errors:
 * `layers.within-limits` fails with Lambda's error and what bootspec found, the scenarios that would
 * have run are precondition-failed naming it, and its expectations file is still compared.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LAMBDA_TOO_MANY_LAYERS, LAMBDA_UNZIPPED_TOO_LARGE, MAX_UNZIPPED_BYTES } from '../../harness/environment/limits.ts';
import type { ScenarioResult } from '../../harness/suite/types.ts';
import { cli } from './cli.ts';

const work = mkdtempSync(join(tmpdir(), 'bootspec-refusal-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A runtime folder: a function folder with a bootstrap that is never started, and `layers` tiny folder layers. */
function runtime(name: string, layers: number, manifest: Record<string, unknown> = {}): string {
  const dir = join(work, name);
  mkdirSync(join(dir, 'fn'), { recursive: true });
  writeFileSync(join(dir, 'fn', 'bootstrap'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
  const paths = Array.from({ length: layers }, (_, i) => {
    mkdirSync(join(dir, `layer${i}`), { recursive: true });
    writeFileSync(join(dir, `layer${i}`, `file${i}.txt`), `layer ${i}\n`);
    return `layer${i}`;
  });
  writeFileSync(join(dir, 'runtime.json'), JSON.stringify({ name, probe: 1, function: 'fn', layers: paths, handler: 'probe.handler', ...manifest }));
  return dir;
}

function run(dir: string, extra: string[] = []): { code: number | null; results: Map<string, ScenarioResult>; errors: number } {
  const json = join(dir, 'out.json');
  const r = cli(['run', dir, '--only', 'layers.within-limits,results.echo', '--quiet', '--json', json, ...extra]);
  const doc = JSON.parse(readFileSync(json, 'utf8')) as { runs: Array<{ results: ScenarioResult[]; summary: { error: number } }> };
  const only = doc.runs[0];
  if (!only) throw new Error(`no run in ${json}: ${r.stderr}`);
  return { code: r.code, results: new Map(only.results.map((x) => [x.id, x])), errors: only.summary.error };
}

describe('a runtime package over Lambda\'s limits', () => {
  it('with 6 layers: layers.within-limits fails with Lambda\'s error, the rest is precondition-failed', () => {
    const r = run(runtime('six-layers', 6), ['--no-expectations']);
    expect(r.errors).toBe(0);
    expect(r.results.get('layers.within-limits')?.verdict).toBe('fail');
    expect(r.results.get('layers.within-limits')?.message).toContain(LAMBDA_TOO_MANY_LAYERS);
    expect(r.results.get('layers.within-limits')?.actual).toContain('6 layers');
    expect(r.results.get('results.echo')?.verdict).toBe('precondition-failed');
    expect(r.results.get('results.echo')?.coveredBy).toBe('layers.within-limits');
    expect(r.code).toBe(1);
  }, 60_000);

  it('over 250 MB unzipped: the same, with Lambda\'s size error', () => {
    const dir = runtime('too-large', 1);
    // A sparse file: it counts against the budget without writing 250 MB to disk.
    writeFileSync(join(dir, 'fn', 'big.bin'), '');
    truncateSync(join(dir, 'fn', 'big.bin'), MAX_UNZIPPED_BYTES + 1);
    const r = run(dir, ['--no-expectations']);
    expect(r.errors).toBe(0);
    expect(r.results.get('layers.within-limits')?.verdict).toBe('fail');
    expect(r.results.get('layers.within-limits')?.message).toContain(LAMBDA_UNZIPPED_TOO_LARGE);
    expect(r.results.get('results.echo')?.verdict).toBe('precondition-failed');
  }, 60_000);

  it('still compares its expectations file, though its manifest never loads', () => {
    const dir = runtime('six-layers-expected', 6, { expectations: 'expectations.json' });
    const expected = {
      'layers.within-limits': { verdict: 'fail', reason: 'six layers' },
      'results.echo': { verdict: 'precondition-failed', reason: 'refused package' },
    };
    writeFileSync(join(dir, 'expectations.json'), JSON.stringify(expected));
    expect(run(dir).code).toBe(0);
    writeFileSync(join(dir, 'expectations.json'), JSON.stringify({ 'layers.within-limits': expected['layers.within-limits'] }));
    expect(run(dir).code).toBe(1);
  }, 60_000);

  it('is not a build failure: bootspec build says Lambda would refuse it and exits 0', () => {
    const r = cli(['build', runtime('six-layers-build', 6)]);
    expect(r.stderr).toContain(LAMBDA_TOO_MANY_LAYERS);
    expect(r.code).toBe(0);
  }, 60_000);
});
