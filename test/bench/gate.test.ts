import { describe, expect, it } from 'vitest';
import { compare } from '../../harness/bench/compare.ts';
import { holm, noiseOf, overallVerdict, trimmedMean } from '../../harness/bench/gate.ts';
import { rankSumP, signTestP } from '../../harness/bench/ranks.ts';
import type { Comparison } from '../../harness/bench/types.ts';
import { syntheticRun } from './synthetic.ts';

const options = { kind: 'vs' as const, reference: 'A', candidate: 'B', threshold: 0.05, resamples: 1000, seed: 1, paired: true };

function tally(comparisons: Comparison[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of comparisons) out[c.verdict] = (out[c.verdict] ?? 0) + 1;
  return out;
}

describe('holm', () => {
  it('adjusts step-down and keeps the input order', () => {
    expect(holm([0.01, 0.04, 0.03])).toEqual([0.03, 0.06, 0.06]);
    expect(holm([0.5, 0.001])).toEqual([0.5, 0.002]);
    expect(holm([])).toEqual([]);
  });
});

describe('overallVerdict', () => {
  it('decides from the primary figures, and says inconclusive when there is none to decide on', () => {
    expect(overallVerdict(['unchanged', 'regressed', 'inconclusive'])).toBe('regressed');
    expect(overallVerdict(['unchanged', 'improved', 'inconclusive'])).toBe('inconclusive');
    expect(overallVerdict(['unchanged', 'improved'])).toBe('improved');
    expect(overallVerdict(['unchanged'])).toBe('unchanged');
    // e.g. --phases streaming,concurrency: every figure informs
    expect(overallVerdict([])).toBe('inconclusive');
  });
});

describe('rank tests', () => {
  it('give the exact two-sided p-values', () => {
    // 10 differences all positive: 2 × 1/1024
    expect(signTestP([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toBeCloseTo(2 / 1024, 6);
    expect(signTestP([1, -1])).toBe(1);
    expect(signTestP([0, 0])).toBe(1);
    // 16 rounds, 15 up by 9 % and one burst of steal the other way: 2 × 17 / 65536 whatever its size,
    // so a +10 % slowdown still passes Holm's first step over 12 figures (0.05 / 12)
    const rounds = [...Array.from({ length: 15 }, () => Math.log(1.09)), Math.log(0.6)];
    expect(signTestP(rounds)).toBeCloseTo((2 * 17) / 65536, 9);
    expect(signTestP(rounds)).toBeLessThan(0.05 / 12);
    // no underflow with many rounds
    expect(signTestP(Array.from({ length: 2000 }, (_, i) => (i % 2 === 0 ? 1 : -1)))).toBe(1);
    expect(signTestP(Array.from({ length: 2000 }, () => 1))).toBe(0);
    // 4 vs 4 fully separated: 2 / C(8,4) = 2/70
    expect(rankSumP([1, 2, 3, 4], [5, 6, 7, 8])).toBeCloseTo(2 / 70, 6);
    expect(rankSumP([1, 3, 5, 7], [2, 4, 6, 8])).toBeGreaterThan(0.5);
  });
});

describe('trimmedMean and noiseOf', () => {
  it('drop the extremes and measure the interval', () => {
    expect(trimmedMean([1, 2, 3, 4, 1000], 0.2)).toBe(3);
    expect(noiseOf({ eqLow: 1 / 1.1, eqHigh: 1.1 })).toBeCloseTo(0.1, 6);
  });
});

describe('the gate on seeded synthetic runs (default-like figures: two payloads, rates, cold start)', () => {
  it('A/A with rare heavy-tailed stalls: no `regressed` in 60 seeds', () => {
    const runs = Array.from({ length: 60 }, (_, i) => compare(syntheticRun(1000 + i, { stallRate: 0.003 }), syntheticRun(2000 + i, { stallRate: 0.003 }), options));
    const counts = tally(runs);
    // Measured: 0 regressed, 0 improved, 28 unchanged, 32 inconclusive (stalls make the rate noisy).
    expect(counts.regressed ?? 0).toBe(0);
    // Family-wise: at most α of comparisons may carry any wrong direction at all.
    expect((counts.improved ?? 0) / runs.length).toBeLessThanOrEqual(0.05);
  });

  it('a +10 % shift of the primary figures is flagged regressed in 20 of 20', () => {
    const runs = Array.from({ length: 20 }, (_, i) => compare(syntheticRun(3000 + i), syntheticRun(4000 + i, { slowdown: 0.1 }), options));
    expect(tally(runs)).toEqual({ regressed: 20 });
    for (const c of runs) expect(c.figures.find((f) => f.figure === 'latency 0 B mock p50')?.verdict).toBe('regressed');
  });

  it('heavy-tailed noise on a p99 does not flag it (where a merged-p99 bootstrap did, 3 of 40)', () => {
    let flagged = 0;
    let regressedComparisons = 0;
    for (let i = 0; i < 40; i++) {
      const shape = { stallRate: 0.012, payloads: ['0 B'] };
      const c = compare(syntheticRun(7000 + i, shape), syntheticRun(8000 + i, shape), options);
      const p99 = c.figures.find((f) => f.figure === 'latency 0 B mock p99');
      expect(p99?.tier).toBe('secondary');
      if (p99?.verdict === 'regressed' || p99?.verdict === 'improved') flagged += 1;
      if (c.verdict === 'regressed') regressedComparisons += 1;
    }
    expect(flagged).toBe(0);
    expect(regressedComparisons).toBe(0);
  });

  it('high noise gives inconclusive with the noise figure, never another verdict', () => {
    for (const slowdown of [0, 0.1]) {
      for (let i = 0; i < 10; i++) {
        const c = compare(syntheticRun(5000 + i, { drift: 0.3, slowdown }), syntheticRun(6000 + i, { drift: 0.3 }), options);
        expect(c.verdict).toBe('inconclusive');
        expect(c.noise?.noise).toBeGreaterThan(c.threshold);
        expect(c.figures.find((f) => f.figure === c.noise?.figure)?.verdict).toBe('inconclusive');
      }
    }
  });
});
