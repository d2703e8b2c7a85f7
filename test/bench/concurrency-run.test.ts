/**
 * A short real `bootspec bench --phases concurrency --vs`: node-plain, which claims `concurrency`,
 * gets its curve at N = 1, 2 beside the ideal one; null-c, which does not, is skipped with the
 * reason printed and saved. Tiny counts: a few seconds.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { schemaProblems } from '../../harness/bench/result-file.ts';
import type { BenchResult } from '../../harness/bench/types.ts';
import { cli } from '../e2e/cli.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'bootspec-concurrency-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bootspec bench --phases concurrency', () => {
  it('measures node-plain’s curve beside the ideal one, and skips a runtime that does not claim concurrency', () => {
    const file = path.join(dir, 'result.json');
    const r = cli(
      ['bench', 'runtimes-under-test/node-plain', '--vs', 'runtimes-under-test/null-c', '--phases', 'concurrency', '--concurrency-levels', '1,2', '--concurrency-invokes', '10', '--pin', 'none', '--quiet', '--json', file],
      60_000,
    );
    expect(r.stderr).not.toMatch(/internal/);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/floor = ideal N \/ 20 ms/);
    expect(r.stdout).toMatch(/null-c: skipped: null-c does not claim the `concurrency` feature/);
    const result = JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
    expect(schemaProblems(result)).toEqual([]);
    expect(result.settings.phases).toEqual(['concurrency']);
    const c = result.concurrency;
    expect(c?.skipped).toBeNull();
    expect(c?.levels.map((l) => l.concurrency)).toEqual([1, 2]);
    for (const l of c?.levels ?? []) {
      expect(l.invokes).toBe(10 * l.concurrency);
      expect(l.failed).toBe(0);
      // 20 ms sleeps: never faster than the ideal curve
      expect(l.perSec).toBeGreaterThan(0);
      expect(l.perSec).toBeLessThanOrEqual(l.idealPerSec * 1.05);
    }
    expect(c?.levels[1]?.idealPerSec).toBe(100);
    expect(Object.keys(result.raw.concurrency ?? {})).toEqual(['1', '2']);
    expect(result.vs?.concurrency).toEqual({ skipped: 'null-c does not claim the `concurrency` feature in runtime.json', event: '{"probe":"sleep","ms":20}', sleepMs: 20, levels: [], stopsScalingAt: null });
  }, 70_000);
});
