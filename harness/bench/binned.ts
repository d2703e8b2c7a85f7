/**
 * A sparse log-linear histogram of nanosecond values that can be saved, reloaded and merged cheaply:
 * what resampling (thousands of merges per figure) and saved baselines need. Node's
 * perf_hooks.createHistogram records the headline figures; it cannot be written to a file or rebuilt
 * from one, and merging it walks its whole counts array. Bins are exact below 128 ns and at most
 * 1/128 of their value wide above, so a percentile read here is within 0.8 % of the true one.
 */

const SUB_BITS = 7;
const SUB = 1 << SUB_BITS;

/** floor(log2(v)) for v >= 1, exact also past 2^32. */
function exponent(v: number): number {
  if (v < 2 ** 32) return 31 - Math.clz32(v);
  let e = Math.floor(Math.log2(v));
  if (2 ** e > v) e -= 1;
  else if (2 ** (e + 1) <= v) e += 1;
  return e;
}

/** The bin of a value (values below 1 count as 1). */
export function binIndex(value: number): number {
  const v = Math.max(1, Math.round(value));
  if (v < SUB) return v;
  const shift = exponent(v) - SUB_BITS;
  return SUB + shift * SUB + (Math.floor(v / 2 ** shift) - SUB);
}

/** The middle of a bin: what a percentile in that bin is reported as. */
export function binValue(index: number): number {
  if (index < SUB) return index;
  const exp = Math.floor((index - SUB) / SUB);
  const sub = (index - SUB) % SUB;
  const width = 2 ** exp;
  return (SUB + sub) * width + (width - 1) / 2;
}

/** Saved form: [bin, count, bin, count, …] with bins ascending. */
export type BinnedJson = number[];

export class BinnedHistogram {
  readonly #counts = new Map<number, number>();
  #total = 0;

  static fromJSON(data: BinnedJson): BinnedHistogram {
    const h = new BinnedHistogram();
    for (let i = 0; i + 1 < data.length; i += 2) h.#addBin(data[i] as number, data[i + 1] as number);
    return h;
  }

  static of(values: Iterable<number>): BinnedHistogram {
    const h = new BinnedHistogram();
    for (const v of values) h.record(v);
    return h;
  }

  get count(): number {
    return this.#total;
  }

  record(value: number): void {
    this.#addBin(binIndex(value), 1);
  }

  merge(other: BinnedHistogram): this {
    for (const [bin, c] of other.#counts) this.#addBin(bin, c);
    return this;
  }

  /** The value at or below which `percentile` % of the recorded values lie (0 when empty). */
  percentile(percentile: number): number {
    return percentileOf(this.bins(), percentile);
  }

  /** [bin, count] pairs, bins ascending. */
  bins(): Array<[number, number]> {
    return [...this.#counts].sort((a, b) => a[0] - b[0]);
  }

  toJSON(): BinnedJson {
    return this.bins().flat();
  }

  #addBin(bin: number, count: number): void {
    if (!(count > 0)) return;
    this.#counts.set(bin, (this.#counts.get(bin) ?? 0) + count);
    this.#total += count;
  }
}

function percentileOf(bins: Array<[number, number]>, percentile: number): number {
  const total = bins.reduce((s, [, c]) => s + c, 0);
  if (total === 0) return 0;
  const rank = Math.max(1, Math.ceil((percentile / 100) * total));
  let seen = 0;
  for (const [bin, c] of bins) {
    seen += c;
    if (seen >= rank) return binValue(bin);
  }
  return binValue((bins.at(-1) as [number, number])[0]);
}

/**
 * Many histograms laid over one shared list of bins, so that merging any multiset of them (one
 * bootstrap resample) is a pass over dense arrays.
 */
export class HistogramSet {
  readonly size: number;
  readonly #values: Float64Array;
  readonly #blocks: Array<{ at: Int32Array; counts: Float64Array }>;
  readonly #merged: Float64Array;

  constructor(histograms: readonly BinnedHistogram[]) {
    const all = new Set<number>();
    for (const h of histograms) for (const [bin] of h.bins()) all.add(bin);
    const order = [...all].sort((a, b) => a - b);
    const position = new Map(order.map((bin, i) => [bin, i]));
    this.#values = Float64Array.from(order, binValue);
    this.#blocks = histograms.map((h) => {
      const bins = h.bins();
      return { at: Int32Array.from(bins, ([bin]) => position.get(bin) as number), counts: Float64Array.from(bins, ([, c]) => c) };
    });
    this.#merged = new Float64Array(order.length);
    this.size = histograms.length;
  }

  /** A percentile of the merge of the histograms at `picks` (indices may repeat). */
  percentile(picks: ArrayLike<number>, percentile: number): number {
    const m = this.#merged;
    m.fill(0);
    let total = 0;
    for (let i = 0; i < picks.length; i++) {
      const b = this.#blocks[picks[i] as number];
      if (!b) continue;
      for (let j = 0; j < b.at.length; j++) {
        const k = b.at[j] as number;
        const c = b.counts[j] as number;
        m[k] = (m[k] as number) + c;
        total += c;
      }
    }
    if (total === 0) return 0;
    const rank = Math.max(1, Math.ceil((percentile / 100) * total));
    let seen = 0;
    for (let k = 0; k < m.length; k++) {
      seen += m[k] as number;
      if (seen >= rank) return this.#values[k] as number;
    }
    return this.#values[m.length - 1] as number;
  }
}
