/**
 * The `concurrency` phase's figures: throughput per level, speed-up over N = 1, the ideal-curve
 * floor, where scaling stops; the console's side-by-side curves; comparisons that inform, never gate.
 */
import { describe, expect, it } from 'vitest';
import { compare } from '../../harness/bench/compare.ts';
import { concurrencyLines } from '../../harness/bench/concurrency-console.ts';
import { concurrencyLevels, stopsScalingAt } from '../../harness/bench/concurrency-figures.ts';
import type { BenchResult, ConcurrencyFigures, RawBlocks } from '../../harness/bench/types.ts';

const block = (concurrency: number, invokes: number, seconds: number) => ({ concurrency, invokes, failed: 0, seconds });

describe('concurrency figures', () => {
  it('computes invokes/s, speed-up over N = 1 and the share of the ideal N / sleep curve', () => {
    const levels = concurrencyLevels([block(2, 180, 2), block(1, 100, 2)], 20);
    expect(levels.map((l) => l.concurrency)).toEqual([1, 2]);
    expect(levels[0]).toMatchObject({ perSec: 50, speedup: 1, idealPerSec: 50, ofIdeal: 1 });
    expect(levels[1]).toMatchObject({ perSec: 90, speedup: 1.8, idealPerSec: 100, ofIdeal: 0.9 });
  });

  it('has no speed-up without an N = 1 level', () => {
    expect(concurrencyLevels([block(2, 100, 1)], 20)[0]?.speedup).toBeNull();
  });

  it('stops scaling at the first N below 1.2 × the previous level', () => {
    const at = (rates: number[]) => stopsScalingAt(rates.map((perSec, i) => ({ concurrency: 2 ** i, perSec })));
    expect(at([50, 100, 190, 380])).toBeNull();
    expect(at([50, 100, 115, 300])).toBe(4); // 115 < 120, even though 8 recovers
    expect(at([50, 59])).toBe(2);
    expect(at([50, 60])).toBeNull(); // exactly 1.2× still scales
    expect(at([50])).toBeNull();
  });
});

const curve = (rates: number[]): ConcurrencyFigures => {
  const levels = concurrencyLevels(rates.map((r, i) => block(2 ** i, r, 1)), 20);
  return { skipped: null, event: '{"probe":"sleep","ms":20}', sleepMs: 20, levels, stopsScalingAt: stopsScalingAt(levels) };
};

describe('concurrency in the console', () => {
  it('prints both curves side by side with the ideal beside them, and a skipped side with its reason', () => {
    const r = { runtime: { name: 'node-plain' }, concurrency: curve([49, 97, 190, 200]), vs: { runtime: { name: 'go' }, concurrency: curve([48, 96, 191, 380]) } } as unknown as BenchResult;
    const lines = concurrencyLines(r);
    expect(lines[0]).toMatch(/floor = ideal N \/ 20 ms/);
    expect(lines[1]).toMatch(/N\s+ideal\/s\s+node-plain\s+go/);
    expect(lines[5]).toMatch(/^ {2}8 +400 +200 +4\.08× +50 % +380 +7\.92× +95 %$/);
    expect(lines).toContain('  node-plain: stops scaling at N = 8');
    expect(lines).toContain('  go: scales through every level');
    const skipped = { runtime: { name: 'null-c' }, concurrency: { skipped: 'null-c does not claim it', event: '{}', sleepMs: 20, levels: [], stopsScalingAt: null } } as unknown as BenchResult;
    expect(concurrencyLines(skipped).at(-1)).toBe('  null-c: skipped: null-c does not claim it');
  });

  it('prints nothing when the phase did not run', () => {
    expect(concurrencyLines({ runtime: { name: 'x' }, vs: null } as unknown as BenchResult)).toEqual([]);
  });
});

describe('concurrency in a comparison', () => {
  const raw = (perBlock: number[]): RawBlocks => ({
    latency: {}, sequential: [], concurrent: {}, endpointThroughput: [], coldStartMs: [], firstResultMs: [],
    concurrency: { '2': perBlock.map((invokes) => ({ invokes, seconds: 1 })) },
  });

  it('is a secondary figure: a large drop informs and does not fail the gate', () => {
    const c = compare(raw([100, 101, 99, 100, 100]), raw([50, 51, 49, 50, 50]), { kind: 'vs', reference: 'A', candidate: 'B', threshold: 0.05, resamples: 500, seed: 1, paired: true });
    const f = c.figures.find((x) => x.figure === 'concurrency N = 2 (one environment)');
    expect(f?.tier).toBe('secondary');
    expect(f?.ratio).toBeCloseTo(0.5, 2);
    expect(c.regressed).toBe(0);
    expect(c.verdict).not.toBe('regressed');
  });
});
