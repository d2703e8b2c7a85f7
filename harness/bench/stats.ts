/**
 * Resampling statistics for comparisons: a seeded generator (so a comparison can be repeated
 * exactly), the percentile bootstrap of a ratio, and the verdict rule.
 */

/** A small, fast, seeded PRNG (mulberry32): uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Something measured in blocks (rounds, runs) whose figure can be computed over any multiset of them. */
export interface BlockSample {
  readonly blocks: number;
  /** The figure over the blocks at `picks` (indices may repeat). */
  figure(picks: ArrayLike<number>): number;
}

export interface RatioEstimate {
  /** figure(candidate) / figure(reference), over all blocks. */
  ratio: number;
  /** 95 % percentile-bootstrap interval of the ratio. */
  ciLow: number;
  ciHigh: number;
  resamples: number;
  /** Paired: both sides were resampled with the same block indices (interleaved rounds). */
  paired: boolean;
}

export interface BootstrapOptions {
  resamples?: number;
  seed?: number;
  /** Resample both sides with the same indices; needs equal block counts (interleaved rounds). */
  paired?: boolean;
  /** Two-sided coverage, default 0.95. */
  confidence?: number;
}

export function allPicks(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

function draw(random: () => number, n: number, into: Int32Array): Int32Array {
  for (let i = 0; i < n; i++) into[i] = Math.floor(random() * n);
  return into;
}

/** The q-quantile (0..1) of sorted values, linear between neighbours. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

/**
 * The ratio candidate/reference of a figure with a bootstrap interval. Blocks are resampled, not
 * single invocations, so slow drift between rounds widens the interval as it should.
 */
export function bootstrapRatio(reference: BlockSample, candidate: BlockSample, options: BootstrapOptions = {}): RatioEstimate {
  const e = bootstrapContrast(reference, candidate, (c, r) => c / r, options);
  return { ratio: e.value, ciLow: e.ciLow, ciHigh: e.ciHigh, resamples: e.resamples, paired: e.paired };
}

/** candidate − reference of a figure (e.g. bootspec's mock minus the C mock), with its interval. */
export function bootstrapDifference(reference: BlockSample, candidate: BlockSample, options: BootstrapOptions = {}) {
  return bootstrapContrast(reference, candidate, (c, r) => c - r, options);
}

function bootstrapContrast(
  reference: BlockSample,
  candidate: BlockSample,
  combine: (candidate: number, reference: number) => number,
  options: BootstrapOptions,
): { value: number; ciLow: number; ciHigh: number; resamples: number; paired: boolean; distribution: Float64Array } {
  const resamples = options.resamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  const paired = (options.paired ?? false) && reference.blocks === candidate.blocks;
  const random = seededRandom(options.seed ?? 1);
  const value = combine(candidate.figure(allPicks(candidate.blocks)), reference.figure(allPicks(reference.blocks)));
  const values = new Float64Array(resamples);
  const pa = new Int32Array(reference.blocks);
  const pb = new Int32Array(candidate.blocks);
  for (let r = 0; r < resamples; r++) {
    draw(random, reference.blocks, pa);
    if (paired) pb.set(pa);
    else draw(random, candidate.blocks, pb);
    values[r] = combine(candidate.figure(pb), reference.figure(pa));
  }
  values.sort();
  const tail = (1 - confidence) / 2;
  return { value, ciLow: quantileSorted(values, tail), ciHigh: quantileSorted(values, 1 - tail), resamples, paired, distribution: values };
}

/** A ratio with what a gate needs to decide on it: the two-sided p-value of "no change" and the 90 % interval. */
export interface RatioTest extends RatioEstimate {
  /** Two-sided percentile-bootstrap p-value of ratio = 1: twice the share of resamples on the far side of 1. */
  p: number;
  /** 90 % interval: the two one-sided 5 % tests of equivalence (TOST) read it against the threshold. */
  eqLow: number;
  eqHigh: number;
}

export function bootstrapRatioTest(reference: BlockSample, candidate: BlockSample, options: BootstrapOptions = {}): RatioTest {
  const e = bootstrapContrast(reference, candidate, (c, r) => c / r, options);
  const d = e.distribution;
  let atOrBelow = 0;
  let atOrAbove = 0;
  for (let i = 0; i < d.length; i++) {
    const v = d[i] as number;
    if (v <= 1) atOrBelow += 1;
    if (v >= 1) atOrAbove += 1;
  }
  // (1 + count) / (R + 1): a finite resample count never claims p = 0.
  const oneSided = Math.min(atOrBelow, atOrAbove);
  const p = Math.min(1, (2 * (1 + oneSided)) / (d.length + 1));
  return {
    ratio: e.value,
    ciLow: e.ciLow,
    ciHigh: e.ciHigh,
    resamples: e.resamples,
    paired: e.paired,
    p,
    eqLow: quantileSorted(d, 0.05),
    eqHigh: quantileSorted(d, 0.95),
  };
}

/** A bootstrap interval of one figure on its own (its uncertainty, shown beside it). */
export function bootstrapInterval(sample: BlockSample, options: Omit<BootstrapOptions, 'paired'> = {}): [number, number] {
  const resamples = options.resamples ?? 1000;
  const tail = (1 - (options.confidence ?? 0.95)) / 2;
  const random = seededRandom(options.seed ?? 1);
  const values = new Float64Array(resamples);
  const picks = new Int32Array(sample.blocks);
  for (let r = 0; r < resamples; r++) values[r] = sample.figure(draw(random, sample.blocks, picks));
  values.sort();
  return [quantileSorted(values, tail), quantileSorted(values, 1 - tail)];
}

export type Verdict = 'improved' | 'unchanged' | 'regressed' | 'inconclusive';
