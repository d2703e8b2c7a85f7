/**
 * Comparisons for nightly runs: every figure both results have, as a ratio candidate/reference with
 * a block-bootstrap interval and a verdict against the threshold. `--vs` rounds are interleaved
 * (A B A B …) and resampled in pairs; a saved `--baseline` is resampled independently.
 */
import { BinnedHistogram } from './binned.ts';
import { percentileBlocks, rateBlocks, valueBlocks } from './samples.ts';
import { allPicks, bootstrapRatio, verdict, type BlockSample } from './stats.ts';
import type { ComparedFigure, Comparison, RawBlocks } from './types.ts';

interface FigureSpec {
  figure: string;
  unit: string;
  better: 'lower' | 'higher';
  /** Converts the raw figure (ns, /s, ms) to the unit shown. */
  scale: number;
  reference: BlockSample;
  candidate: BlockSample;
}

const hist = (blocks: number[][]): BinnedHistogram[] => blocks.map((b) => BinnedHistogram.fromJSON(b));

/** The figures two raw results can be compared on (both must have data for a figure). */
export function comparableFigures(ref: RawBlocks, cand: RawBlocks): FigureSpec[] {
  const specs: FigureSpec[] = [];
  for (const [label, r] of Object.entries(ref.latency)) {
    const c = cand.latency[label];
    if (!c) continue;
    for (const [view, p] of [['mock', 50], ['mock', 99], ['endpoint', 50]] as const) {
      const rb = r[view];
      const cb = c[view];
      if (rb.length === 0 || cb.length === 0) continue;
      specs.push({
        figure: `latency ${label} ${view} p${p}`,
        unit: 'µs',
        better: 'lower',
        scale: 1e-3,
        reference: percentileBlocks(hist(rb), p),
        candidate: percentileBlocks(hist(cb), p),
      });
    }
  }
  const rate = (figure: string, rb: RawBlocks['sequential'] | undefined, cb: RawBlocks['sequential'] | undefined) => {
    if (!rb?.length || !cb?.length) return;
    specs.push({ figure, unit: '/s', better: 'higher', scale: 1, reference: rateBlocks(rb), candidate: rateBlocks(cb) });
  };
  rate('throughput sequential', ref.sequential, cand.sequential);
  for (const [n, rb] of Object.entries(ref.concurrent)) rate(`throughput ${n} environments`, rb, cand.concurrent[n]);
  rate('throughput endpoint (autocannon)', ref.endpointThroughput, cand.endpointThroughput);
  if (ref.coldStartMs.length >= 2 && cand.coldStartMs.length >= 2) {
    specs.push({ figure: 'cold start p50', unit: 'ms', better: 'lower', scale: 1, reference: valueBlocks(ref.coldStartMs, 50), candidate: valueBlocks(cand.coldStartMs, 50) });
  }
  return specs;
}

/** What a comparison is asked for: the settings it reports back in Comparison. */
export type CompareOptions = Pick<Comparison, 'kind' | 'reference' | 'candidate' | 'threshold' | 'resamples' | 'seed' | 'paired'>;

export function compare(ref: RawBlocks, cand: RawBlocks, o: CompareOptions): Comparison {
  const figures: ComparedFigure[] = comparableFigures(ref, cand).map((s, i) => {
    const e = bootstrapRatio(s.reference, s.candidate, { resamples: o.resamples, seed: o.seed + i, paired: o.paired });
    const round = (x: number) => Math.round(x * 1e4) / 1e4;
    return {
      figure: s.figure,
      unit: s.unit,
      better: s.better,
      reference: s.reference.figure(allPicks(s.reference.blocks)) * s.scale,
      candidate: s.candidate.figure(allPicks(s.candidate.blocks)) * s.scale,
      ratio: round(e.ratio),
      ciLow: round(e.ciLow),
      ciHigh: round(e.ciHigh),
      verdict: verdict(e, s.better, o.threshold),
    };
  });
  const regressed = figures.filter((f) => f.verdict === 'regressed').length;
  const improved = figures.filter((f) => f.verdict === 'improved').length;
  return {
    ...o,
    figures,
    regressed,
    improved,
    verdict: regressed > 0 ? 'regressed' : improved > 0 ? 'improved' : 'unchanged',
  };
}
