/**
 * The regression gate: how a comparison's figures become verdicts with a false-alarm rate stated for
 * the whole comparison, not per figure.
 *
 * - Primary figures (p50s, sequential throughput, cold start) gate; the others (p99s, concurrent and
 *   endpoint throughput, streaming time to first byte and throughput) inform. Each family's
 *   two-sided bootstrap p-values are adjusted with Holm's step-down method, so P(any primary figure falsely `regressed`) ≤ ALPHA for the comparison.
 * - A figure is `regressed`/`improved` when its Holm-adjusted p < ALPHA and its point estimate is past
 *   the threshold; `unchanged` only when its 90 % interval lies inside ±threshold (two one-sided tests
 *   of equivalence; the comparison's `unchanged` is an intersection-union test, which needs no
 *   adjustment); anything else is `inconclusive`: the run's noise cannot decide at the threshold.
 * - Tail percentiles are read as a trimmed mean of per-block percentiles (one block's rare stall
 *   moved a merged p99 by 1.9× in an A/A run), and their p-value comes from an exact rank test over
 *   the blocks (ranks.ts), which stays valid for heavy tails where a bootstrap of ten blocks does not.
 */
import type { BlockSample, RatioTest, Verdict } from './stats.ts';
import type { BinnedHistogram } from './binned.ts';

/** Family-wise error rate of the gating family. */
export const ALPHA = 0.05;
/** Share of blocks trimmed from each end before averaging per-block tail percentiles. */
export const TAIL_TRIM = 0.2;

export type FigureTier = 'primary' | 'secondary';

/** Holm's step-down adjustment: adjusted p-values in the input order. */
export function holm(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const adjusted = new Array<number>(m).fill(1);
  let running = 0;
  order.forEach(([p, i], k) => {
    running = Math.max(running, Math.min(1, (m - k) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

/** How far the 90 % interval reaches, as a fraction (0.12 = ±12 %): the noise a verdict must beat. */
export function noiseOf(t: Pick<RatioTest, 'eqLow' | 'eqHigh'>): number {
  if (!(t.eqLow > 0) || !(t.eqHigh > 0)) return Number.POSITIVE_INFINITY;
  return Math.exp((Math.log(t.eqHigh) - Math.log(t.eqLow)) / 2) - 1;
}

/** One figure's verdict from its test, its Holm-adjusted p-value and the threshold. */
export function decide(t: Pick<RatioTest, 'ratio' | 'eqLow' | 'eqHigh'>, pAdjusted: number, better: 'lower' | 'higher', threshold: number): Verdict {
  // "How many times worse": > 1 is worse whichever way the figure points.
  const worse = better === 'lower' ? t.ratio : 1 / t.ratio;
  const worseLow = better === 'lower' ? t.eqLow : 1 / t.eqHigh;
  const worseHigh = better === 'lower' ? t.eqHigh : 1 / t.eqLow;
  if (pAdjusted < ALPHA && worse > 1 + threshold) return 'regressed';
  if (pAdjusted < ALPHA && worse < 1 / (1 + threshold)) return 'improved';
  if (worseLow > 1 / (1 + threshold) && worseHigh < 1 + threshold) return 'unchanged';
  return 'inconclusive';
}

/**
 * The comparison's verdict from its primary figures' verdicts: a regression first, then noise.
 * With no primary figure (only informing phases ran) nothing was decided: `inconclusive`, never
 * an `unchanged` that no figure supports.
 */
export function overallVerdict(primary: readonly Verdict[]): Verdict {
  if (primary.length === 0) return 'inconclusive';
  if (primary.includes('regressed')) return 'regressed';
  if (primary.includes('inconclusive')) return 'inconclusive';
  if (primary.includes('improved')) return 'improved';
  return 'unchanged';
}

/** Trimmed mean of sorted values, `trim` of them dropped at each end (at least one value kept). */
export function trimmedMean(sorted: ArrayLike<number>, trim: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const cut = Math.min(Math.floor(n * trim), Math.floor((n - 1) / 2));
  let sum = 0;
  for (let i = cut; i < n - cut; i++) sum += sorted[i] as number;
  return sum / (n - 2 * cut);
}

/** A tail percentile as the trimmed mean of each block's own percentile (resampled by block). */
export function trimmedBlockPercentile(blocks: readonly BinnedHistogram[], percentile: number, trim = TAIL_TRIM): BlockSample & { perBlock: number[] } {
  const perBlock = blocks.map((b) => b.percentile(percentile));
  const picked = new Float64Array(perBlock.length);
  return {
    blocks: perBlock.length,
    perBlock,
    figure: (picks) => {
      const view = picked.length === picks.length ? picked : new Float64Array(picks.length);
      for (let i = 0; i < picks.length; i++) view[i] = perBlock[picks[i] as number] as number;
      view.sort();
      return trimmedMean(view, trim);
    },
  };
}
