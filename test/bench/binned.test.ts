import { createHistogram } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { BinnedHistogram, binIndex, binValue, HistogramSet } from '../../harness/bench/binned.ts';
import { seededRandom } from '../../harness/bench/stats.ts';

/** Log-normal-ish latencies in ns, seeded: a shape like an invoke loop's. */
function latencies(seed: number, n: number, medianNs = 40_000): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const u = Math.max(1e-12, random());
    const v = random();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.round(medianNs * Math.exp(0.35 * z));
  });
}

describe('binIndex / binValue', () => {
  it('is exact below 128 ns and within 1/128 of the value above', () => {
    for (const v of [1, 2, 77, 127]) expect(binValue(binIndex(v))).toBe(v);
    for (const v of [128, 129, 255, 256, 257, 1000, 40_123, 999_999, 2 ** 32 + 5, 6.5e10]) {
      const got = binValue(binIndex(v));
      expect(Math.abs(got - v) / v).toBeLessThanOrEqual(1 / 128);
    }
  });

  it('orders bins as it orders values', () => {
    const values = latencies(3, 2000).sort((a, b) => a - b);
    for (let i = 1; i < values.length; i++) expect(binIndex(values[i] as number)).toBeGreaterThanOrEqual(binIndex(values[i - 1] as number));
  });
});

describe('BinnedHistogram', () => {
  it('agrees with Node’s HDR histogram on percentiles (within the bin width)', () => {
    const values = latencies(7, 20_000);
    const node = createHistogram();
    for (const v of values) node.record(v);
    const binned = BinnedHistogram.of(values);
    for (const p of [50, 90, 99, 99.9]) {
      const want = node.percentile(p);
      expect(Math.abs(binned.percentile(p) - want) / want).toBeLessThan(0.01);
    }
  });

  it('merging blocks gives the histogram of all their values (never averaged percentiles)', () => {
    const a = latencies(1, 5000, 30_000);
    const b = latencies(2, 5000, 90_000);
    const merged = BinnedHistogram.of(a).merge(BinnedHistogram.of(b));
    const whole = BinnedHistogram.of([...a, ...b]);
    expect(merged.toJSON()).toEqual(whole.toJSON());
    expect(merged.count).toBe(10_000);
    // The p50 of the merge is not the mean of the two p50s.
    const meanOfP50s = (BinnedHistogram.of(a).percentile(50) + BinnedHistogram.of(b).percentile(50)) / 2;
    expect(Math.abs(merged.percentile(50) - meanOfP50s) / meanOfP50s).toBeGreaterThan(0.05);
  });

  it('survives a round trip through JSON', () => {
    const h = BinnedHistogram.of(latencies(5, 3000));
    const back = BinnedHistogram.fromJSON(JSON.parse(JSON.stringify(h)) as number[]);
    expect(back.toJSON()).toEqual(h.toJSON());
    expect(back.percentile(99)).toBe(h.percentile(99));
  });

  it('Node histograms merge with add() to the same percentiles as one histogram of everything', () => {
    const a = latencies(11, 4000);
    const b = latencies(12, 4000, 60_000);
    const ha = createHistogram();
    const hb = createHistogram();
    const all = createHistogram();
    for (const v of a) {
      ha.record(v);
      all.record(v);
    }
    for (const v of b) {
      hb.record(v);
      all.record(v);
    }
    ha.add(hb);
    for (const p of [50, 99]) expect(ha.percentile(p)).toBe(all.percentile(p));
  });
});

describe('HistogramSet', () => {
  it('computes a percentile of any multiset of blocks like merging them', () => {
    const blocks = [1, 2, 3, 4].map((s) => BinnedHistogram.of(latencies(s, 1000, 20_000 * s)));
    const set = new HistogramSet(blocks);
    const picks = [0, 0, 3, 2];
    const merged = new BinnedHistogram();
    for (const i of picks) merged.merge(blocks[i] as BinnedHistogram);
    for (const p of [50, 90, 99]) expect(set.percentile(picks, p)).toBe(merged.percentile(p));
  });
});
