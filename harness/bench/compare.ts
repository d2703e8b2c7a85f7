/**
 * Comparisons for nightly runs: every figure both results have, as a ratio candidate/reference with
 * a block-bootstrap interval, and a verdict from the gate (gate.ts: primary figures gate under Holm's
 * family-wise control, the others inform, noise too high to decide is `inconclusive`). `--vs` rounds
 * are interleaved (A B, then B A: plan.ts inRoundOrder) and resampled in pairs; a saved `--baseline`
 * is resampled independently.
 */
import { BinnedHistogram } from './binned.ts';
import { ALPHA, decide, holm, noiseOf, overallVerdict, TAIL_TRIM, trimmedBlockPercentile, type FigureTier } from './gate.ts';
import { rankSumP, signTestP } from './ranks.ts';
import { percentileBlocks, rateBlocks, valueBlocks } from './samples.ts';
import { allPicks, bootstrapRatioTest, type BlockSample } from './stats.ts';
import type { ComparedFigure, Comparison, RawBlocks } from './types.ts';

interface FigureSpec {
  figure: string;
  unit: string;
  better: 'lower' | 'higher';
  tier: FigureTier;
  /** How the figure is read from the blocks, when not the plain one (saved with the comparison). */
  method?: string;
  /** Converts the raw figure (ns, /s, ms) to the unit shown. */
  scale: number;
  /** Per-block values of a tail figure: its p-value comes from a rank test over them. */
  blockValues?: { reference: number[]; candidate: number[] };
  reference: BlockSample;
  candidate: BlockSample;
}

const hist = (blocks: number[][]): BinnedHistogram[] => blocks.map((b) => BinnedHistogram.fromJSON(b));

/** A tail needs ≥ 3 blocks a side to trim anything; below that the merged percentile is all there is. */
function tailSample(blocks: BinnedHistogram[], p: number): { sample: BlockSample; perBlock?: number[]; method?: string } {
  if (blocks.length < 3) return { sample: percentileBlocks(blocks, p) };
  const sample = trimmedBlockPercentile(blocks, p);
  return { sample, perBlock: sample.perBlock, method: `trimmed mean (${TAIL_TRIM * 100} % each end) of per-block p${p}, rank-test p` };
}

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
      const base = { figure: `latency ${label} ${view} p${p}`, unit: 'µs', better: 'lower' as const, scale: 1e-3 };
      if (p === 50) {
        specs.push({ ...base, tier: 'primary', reference: percentileBlocks(hist(rb), p), candidate: percentileBlocks(hist(cb), p) });
        continue;
      }
      const rt = tailSample(hist(rb), p);
      const ct = tailSample(hist(cb), p);
      if (rt.method !== undefined && rt.perBlock && ct.perBlock) {
        const blockValues = { reference: rt.perBlock, candidate: ct.perBlock };
        specs.push({ ...base, tier: 'secondary', method: rt.method, reference: rt.sample, candidate: ct.sample, blockValues });
      } else {
        specs.push({ ...base, tier: 'secondary', reference: percentileBlocks(hist(rb), p), candidate: percentileBlocks(hist(cb), p) });
      }
    }
  }
  const rate = (figure: string, tier: FigureTier, rb: RawBlocks['sequential'] | undefined, cb: RawBlocks['sequential'] | undefined, unit = '/s') => {
    if (!rb?.length || !cb?.length) return;
    specs.push({ figure, unit, better: 'higher', tier, scale: 1, reference: rateBlocks(rb), candidate: rateBlocks(cb) });
  };
  rate('throughput sequential', 'primary', ref.sequential, cand.sequential);
  for (const [n, rb] of Object.entries(ref.concurrent)) rate(`throughput ${n} environments`, 'secondary', rb, cand.concurrent[n]);
  rate('throughput endpoint (autocannon)', 'secondary', ref.endpointThroughput, cand.endpointThroughput);
  // One environment's throughput at maxConcurrency N (the opt-in `concurrency` phase) informs, never gates.
  for (const [n, rb] of Object.entries(ref.concurrency ?? {})) rate(`concurrency N = ${n} (one environment)`, 'secondary', rb, cand.concurrency?.[n]);
  // Streaming figures inform: a stream's time to first byte and its throughput (MiB/s), never gating.
  for (const [label, r] of Object.entries(ref.streaming ?? {})) {
    const c = cand.streaming?.[label];
    if (!c) continue;
    if (r.ttfb.length > 0 && c.ttfb.length > 0) {
      specs.push({ figure: `streaming ${label} ttfb p50`, unit: 'µs', better: 'lower', tier: 'secondary', scale: 1e-3, reference: percentileBlocks(hist(r.ttfb), 50), candidate: percentileBlocks(hist(c.ttfb), 50) });
    }
    const mib = (blocks: typeof r.rate) => blocks.map((b) => ({ invokes: b.bytes / 1048576, seconds: b.seconds }));
    rate(`streaming ${label} throughput`, 'secondary', mib(r.rate), mib(c.rate), 'MiB/s');
  }
  if (ref.coldStartMs.length >= 2 && cand.coldStartMs.length >= 2) {
    specs.push({ figure: 'cold start p50', unit: 'ms', better: 'lower', tier: 'primary', scale: 1, reference: valueBlocks(ref.coldStartMs, 50), candidate: valueBlocks(cand.coldStartMs, 50) });
  }
  return specs;
}

/** What a comparison is asked for: the settings it reports back in Comparison. */
export type CompareOptions = Pick<Comparison, 'kind' | 'reference' | 'candidate' | 'threshold' | 'resamples' | 'seed' | 'paired'>;

const round = (x: number) => Math.round(x * 1e4) / 1e4;

/** Each block's figure on its own (a block's p50, a block's rate, one cold start). */
function blockValues(s: FigureSpec): { reference: number[]; candidate: number[] } {
  if (s.blockValues) return s.blockValues;
  const each = (b: BlockSample) => Array.from({ length: b.blocks }, (_, i) => b.figure([i]));
  return { reference: each(s.reference), candidate: each(s.candidate) };
}

/** Interleaved rounds pair up (signs of the per-round log ratios); a saved baseline does not. */
function rankP(v: { reference: number[]; candidate: number[] }, paired: boolean): number {
  if (paired && v.reference.length === v.candidate.length) {
    return signTestP(v.candidate.map((c, i) => Math.log(Math.max(1, c)) - Math.log(Math.max(1, v.reference[i] as number))));
  }
  return rankSumP(v.reference, v.candidate);
}

export function compare(ref: RawBlocks, cand: RawBlocks, o: CompareOptions): Comparison {
  const specs = comparableFigures(ref, cand);
  const tests = specs.map((s, i) => {
    const t = bootstrapRatioTest(s.reference, s.candidate, { resamples: o.resamples, seed: o.seed + i, paired: o.paired });
    // The larger of the two p-values: the bootstrap's agrees with the interval printed beside it, the
    // rank test's stays exact when blocks are heavy-tailed (a stall in a block, a GC pause in a rate).
    return { ...t, p: Math.max(t.p, rankP(blockValues(s), t.paired)) };
  });
  // Holm within each family: the primary one gates, the secondary one informs.
  const adjusted = new Array<number>(specs.length).fill(1);
  for (const tier of ['primary', 'secondary'] as const) {
    const members = specs.flatMap((s, i) => (s.tier === tier ? [i] : []));
    const adj = holm(members.map((i) => (tests[i] as (typeof tests)[number]).p));
    members.forEach((i, k) => {
      adjusted[i] = adj[k] as number;
    });
  }
  const figures: ComparedFigure[] = specs.map((s, i) => {
    const t = tests[i] as (typeof tests)[number];
    return {
      figure: s.figure,
      unit: s.unit,
      better: s.better,
      reference: s.reference.figure(allPicks(s.reference.blocks)) * s.scale,
      candidate: s.candidate.figure(allPicks(s.candidate.blocks)) * s.scale,
      ratio: round(t.ratio),
      ciLow: round(t.ciLow),
      ciHigh: round(t.ciHigh),
      verdict: decide(t, adjusted[i] as number, s.better, o.threshold),
      tier: s.tier,
      ...(s.method ? { method: s.method } : {}),
      p: round(t.p),
      pAdjusted: round(adjusted[i] as number),
      ...(Number.isFinite(noiseOf(t)) ? { noise: round(noiseOf(t)) } : {}),
    };
  });
  const primary = figures.filter((f) => f.tier === 'primary');
  const verdict = overallVerdict(primary.map((f) => f.verdict));
  const comparison: Comparison = {
    ...o,
    figures,
    regressed: primary.filter((f) => f.verdict === 'regressed').length,
    improved: primary.filter((f) => f.verdict === 'improved').length,
    verdict,
    alpha: ALPHA,
    gate: `primary figures gate (Holm, family-wise α ${ALPHA} over ${primary.length}), ${figures.length - primary.length} others inform (Holm within their own family)`,
  };
  if (verdict === 'inconclusive') {
    const noisiest = primary.filter((f) => f.verdict === 'inconclusive').sort((a, b) => (b.noise ?? 0) - (a.noise ?? 0))[0];
    if (noisiest?.noise !== undefined) comparison.noise = { figure: noisiest.figure, noise: noisiest.noise };
  }
  return comparison;
}
