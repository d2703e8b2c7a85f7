import { describe, expect, it } from 'vitest';
import { BinnedHistogram } from '../../harness/bench/binned.ts';
import { compare } from '../../harness/bench/compare.ts';
import { percentileBlocks, rateBlocks } from '../../harness/bench/samples.ts';
import { decide } from '../../harness/bench/gate.ts';
import { bootstrapRatio, seededRandom } from '../../harness/bench/stats.ts';
import type { RawBlocks } from '../../harness/bench/types.ts';

/** One run of `rounds` blocks of an invoke loop whose per-invoke time is `medianNs` × noise, with block-to-block drift. */
function run(seed: number, o: { rounds?: number; perBlock?: number; medianNs?: number; slowdown?: number; drift?: number } = {}): RawBlocks {
  const random = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(Math.max(1e-12, random()))) * Math.cos(2 * Math.PI * random());
  const rounds = o.rounds ?? 10;
  const perBlock = o.perBlock ?? 1000;
  const median = (o.medianNs ?? 50_000) * (1 + (o.slowdown ?? 0));
  const mock: number[][] = [];
  const sequential: RawBlocks['sequential'] = [];
  for (let r = 0; r < rounds; r++) {
    const drift = 1 + (o.drift ?? 0.01) * gauss();
    const values = Array.from({ length: perBlock }, () => median * drift * Math.exp(0.25 * gauss()));
    mock.push(BinnedHistogram.of(values).toJSON());
    sequential.push({ invokes: perBlock, seconds: values.reduce((s, v) => s + v, 0) / 1e9 });
  }
  return { latency: { '0 B': { mock, cycle: mock, endpoint: [] } }, sequential, concurrent: {}, endpointThroughput: [], coldStartMs: [], firstResultMs: [] };
}

const options = { kind: 'vs' as const, reference: 'A', candidate: 'B', threshold: 0.05, resamples: 1000, seed: 1, paired: false };

describe('bootstrapRatio', () => {
  it('is deterministic for a seed', () => {
    const a = percentileBlocks(run(1).latency['0 B']?.mock.map((b) => BinnedHistogram.fromJSON(b)) ?? [], 50);
    const b = percentileBlocks(run(2).latency['0 B']?.mock.map((x) => BinnedHistogram.fromJSON(x)) ?? [], 50);
    const first = bootstrapRatio(a, b, { seed: 9, resamples: 500 });
    expect(bootstrapRatio(a, b, { seed: 9, resamples: 500 })).toEqual(first);
    // and the seed is used: another one resamples differently
    expect(bootstrapRatio(a, b, { seed: 10, resamples: 500 })).not.toEqual(first);
  });

  it('brackets the true ratio of rates', () => {
    const ref = rateBlocks(run(3).sequential);
    const cand = rateBlocks(run(4, { slowdown: 0.2 }).sequential);
    const e = bootstrapRatio(ref, cand, { resamples: 1000 });
    expect(e.ciLow).toBeLessThan(1 / 1.2 + 0.03);
    expect(e.ciHigh).toBeGreaterThan(1 / 1.2 - 0.03);
    expect(e.ciLow).toBeLessThanOrEqual(e.ratio);
    expect(e.ciHigh).toBeGreaterThanOrEqual(e.ratio);
  });

  it('pairs blocks only when asked and when both sides have as many', () => {
    const ref = rateBlocks(run(5).sequential);
    expect(bootstrapRatio(ref, rateBlocks(run(6).sequential), { paired: true }).paired).toBe(true);
    expect(bootstrapRatio(ref, rateBlocks(run(6, { rounds: 7 }).sequential), { paired: true }).paired).toBe(false);
  });
});

describe('decide', () => {
  // eqLow/eqHigh: the 90 % interval; the second argument: the Holm-adjusted p-value.
  it('needs both a change past the threshold and a significant adjusted p-value', () => {
    expect(decide({ ratio: 1.1, eqLow: 1.06, eqHigh: 1.14 }, 0.01, 'lower', 0.05)).toBe('regressed');
    expect(decide({ ratio: 1.1, eqLow: 1.06, eqHigh: 1.14 }, 0.2, 'lower', 0.05)).toBe('inconclusive');
    expect(decide({ ratio: 0.9, eqLow: 0.88, eqHigh: 0.92 }, 0.01, 'lower', 0.05)).toBe('improved');
  });

  it('says unchanged only when the interval lies within the threshold, else inconclusive', () => {
    expect(decide({ ratio: 1.03, eqLow: 1.02, eqHigh: 1.04 }, 0.01, 'lower', 0.05)).toBe('unchanged');
    expect(decide({ ratio: 1.0, eqLow: 0.99, eqHigh: 1.01 }, 1, 'lower', 0.05)).toBe('unchanged');
    expect(decide({ ratio: 1.1, eqLow: 0.98, eqHigh: 1.2 }, 0.3, 'lower', 0.05)).toBe('inconclusive');
    expect(decide({ ratio: 1.0, eqLow: 0.9, eqHigh: 1.1 }, 1, 'lower', 0.05)).toBe('inconclusive');
  });

  it('reads rates the other way round', () => {
    expect(decide({ ratio: 0.9, eqLow: 0.88, eqHigh: 0.92 }, 0.01, 'higher', 0.05)).toBe('regressed');
    expect(decide({ ratio: 1.1, eqLow: 1.08, eqHigh: 1.12 }, 0.01, 'higher', 0.05)).toBe('improved');
  });
});

describe('compare (seeded synthetic runs)', () => {
  it('A/A: same distribution, different noise, is never regressed and mostly unchanged', () => {
    const verdicts = Array.from({ length: 20 }, (_, i) => compare(run(100 + i), run(200 + i), options).verdict);
    expect(verdicts.filter((v) => v === 'regressed')).toEqual([]);
    expect(verdicts.filter((v) => v === 'unchanged').length).toBeGreaterThanOrEqual(15);
  });

  it('a +10 % slowdown is flagged as regressed in at least 19 of 20', () => {
    let flagged = 0;
    for (let i = 0; i < 20; i++) if (compare(run(300 + i), run(400 + i, { slowdown: 0.1 }), options).verdict === 'regressed') flagged += 1;
    expect(flagged).toBeGreaterThanOrEqual(19);
  });

  it('names each figure with both values, the ratio and its interval', () => {
    const c = compare(run(1), run(2, { slowdown: 0.1 }), options);
    const p50 = c.figures.find((f) => f.figure === 'latency 0 B mock p50');
    expect(p50?.unit).toBe('µs');
    expect(p50?.ratio).toBeGreaterThan(1.05);
    expect(p50?.ciLow).toBeGreaterThan(1);
    expect(c.figures.map((f) => f.figure)).toContain('throughput sequential');
  });
});
