/**
 * Benchmark documents from `bootspec bench`, normalised for the report. Tolerant by design: the
 * bench schema (schemas/bench.v1.schema.json) is young, so every part is optional and a missing
 * figure is shown as missing, never invented.
 */
import { BinnedHistogram, binValue } from '../bench/binned.ts';
import type { BenchFigures, ConcurrencyReport, FigureComparison, LatencyFigures, StreamingReport, StreamingRow } from './history-types.ts';

/** A figure the report charts and compares: where it is, what it is called, which way is better. */
export interface BenchFigure {
  path: string;
  label: string;
  unit: 'µs' | 'ms' | 'MB' | '/s';
  better: 'lower' | 'higher';
}

export const BENCH_FIGURES: readonly BenchFigure[] = [
  { path: 'latency.p50Us', label: 'latency p50', unit: 'µs', better: 'lower' },
  { path: 'latency.p90Us', label: 'latency p90', unit: 'µs', better: 'lower' },
  { path: 'latency.p99Us', label: 'latency p99', unit: 'µs', better: 'lower' },
  { path: 'latency.p999Us', label: 'latency p99.9', unit: 'µs', better: 'lower' },
  { path: 'throughput.sequentialPerSec', label: 'sequential throughput', unit: '/s', better: 'higher' },
  { path: 'coldStart.p50Ms', label: 'cold start p50', unit: 'ms', better: 'lower' },
  { path: 'coldStart.p90Ms', label: 'cold start p90', unit: 'ms', better: 'lower' },
  { path: 'memory.peakRssMb', label: 'peak RSS', unit: 'MB', better: 'lower' },
  { path: 'memory.growthMb', label: 'memory growth', unit: 'MB', better: 'lower' },
];

/** The figure path of a bench comparison's figure name ("latency 0 B mock p50" -> latency.p50Us). */
export function comparisonPath(figure: string): string | undefined {
  if (BENCH_FIGURES.some((f) => f.path === figure)) return figure;
  const latency = /^latency 0 B mock p(50|90|99|999)$/.exec(figure);
  if (latency) return `latency.p${latency[1]}Us`;
  if (figure === 'throughput sequential') return 'throughput.sequentialPerSec';
  if (figure === 'cold start p50') return 'coldStart.p50Ms';
  return undefined;
}

export function figureInfo(path: string): BenchFigure {
  return BENCH_FIGURES.find((f) => f.path === path) ?? { path, label: path, unit: path.endsWith('Ms') ? 'ms' : path.endsWith('Mb') ? 'MB' : 'µs', better: 'lower' };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Copies the finite numbers of `keys` from `o`, leaving out what is missing. */
function numbers<K extends string>(o: unknown, keys: readonly K[]): Partial<Record<K, number>> | undefined {
  if (!isObject(o)) return undefined;
  const out: Partial<Record<K, number>> = {};
  for (const k of keys) {
    const n = num(o[k]);
    if (n !== undefined) out[k] = n;
  }
  return out;
}

export function figureValue(f: BenchFigures, path: string): number | undefined {
  let v: unknown = f;
  for (const part of path.split('.')) v = isObject(v) ? v[part] : undefined;
  return num(v);
}

function listedHistogram(v: unknown): LatencyFigures['histogram'] {
  if (Array.isArray(v)) {
    const buckets = v
      .map((b) => (isObject(b) ? { leUs: num(b.leUs ?? b.upperUs ?? b.us), count: num(b.count) } : { leUs: undefined, count: undefined }))
      .filter((b): b is { leUs: number; count: number } => b.leUs !== undefined && b.count !== undefined);
    return buckets.length ? buckets : undefined;
  }
  if (isObject(v) && Array.isArray(v.bucketsUs) && Array.isArray(v.counts)) {
    const counts = v.counts;
    return v.bucketsUs.flatMap((le, i) => (num(le) !== undefined && num(counts[i]) !== undefined ? [{ leUs: le as number, count: counts[i] as number }] : []));
  }
  return undefined;
}

/** Buckets 12 % wide: enough for a histogram's shape and a percentile curve, few enough to draw. */
const BUCKET_RATIO = 1.12;

/**
 * The merged histogram of bench's raw blocks (nanosecond bins of harness/bench/binned.ts, one list
 * per block) for the headline payload, re-bucketed on a log scale in µs.
 */
function rawHistogram(entry: Json, payload: string): LatencyFigures['histogram'] {
  const raw = isObject(entry.raw) && isObject(entry.raw.latency) ? entry.raw.latency[payload] : undefined;
  const blocks = isObject(raw) && Array.isArray(raw.mock) ? raw.mock.filter((b): b is number[] => Array.isArray(b) && b.every((x) => typeof x === 'number')) : [];
  if (!blocks.length) return undefined;
  const merged = new BinnedHistogram();
  for (const b of blocks) merged.merge(BinnedHistogram.fromJSON(b));
  const out: Array<{ leUs: number; count: number }> = [];
  for (const [bin, count] of merged.bins()) {
    const us = binValue(bin) / 1000;
    const last = out.at(-1);
    if (last && us <= last.leUs) last.count += count;
    else {
      let le = last?.leUs ?? 1;
      while (le < us) le *= BUCKET_RATIO;
      out.push({ leUs: Math.round(le * 10) / 10, count });
    }
  }
  return out.length ? out : undefined;
}

const interval = (v: unknown): [number, number] | undefined => (Array.isArray(v) && num(v[0]) !== undefined && num(v[1]) !== undefined ? [v[0] as number, v[1] as number] : undefined);

function latency(entry: Json): LatencyFigures | undefined {
  const v = entry.latency;
  const base: LatencyFigures | undefined = numbers(v, ['p50Us', 'p90Us', 'p99Us', 'p999Us', 'maxUs', 'samples'] as const);
  // a bench run without its latency phase writes zeros over zero samples: nothing was measured
  if (!base || !isObject(v) || base.samples === 0) return undefined;
  const ci = interval(v.p50CiUs);
  if (ci) base.p50CiUs = ci;
  const h = listedHistogram(v.histogram) ?? rawHistogram(entry, typeof v.payload === 'string' ? v.payload : '0 B');
  if (h) base.histogram = h;
  return base;
}

const VERDICT_WORDS: Record<string, FigureComparison['verdict']> = {
  regression: 'regression',
  regressed: 'regression',
  improvement: 'improvement',
  improved: 'improvement',
  unchanged: 'unchanged',
  inconclusive: 'inconclusive',
};

function comparisonVerdict(c: Json, better: 'lower' | 'higher', lo: number | undefined, hi: number | undefined): FigureComparison['verdict'] {
  const given = typeof c.verdict === 'string' ? VERDICT_WORDS[c.verdict] : undefined;
  if (given) return given;
  if (lo === undefined || hi === undefined) return 'inconclusive';
  const worse = better === 'lower' ? lo > 0 : hi < 0;
  const nicer = better === 'lower' ? hi < 0 : lo > 0;
  return worse ? 'regression' : nicer ? 'improvement' : 'unchanged';
}

const pct = (ratio: number | undefined) => (ratio === undefined ? undefined : Math.round((ratio - 1) * 1e4) / 100);

/**
 * One compared figure. bootspec bench writes ratios (candidate/reference, `ciLow`/`ciHigh`) with
 * `reference`/`candidate` values; percentages (`changePct`, `ciLowPct`) are accepted too.
 */
function comparedFigure(figure: string, c: Json): FigureComparison {
  const known = figureInfo(figure);
  const better = c.better === 'higher' || c.better === 'lower' ? c.better : known.better;
  const changePct = num(c.changePct) ?? pct(num(c.ratio));
  const lo = num(c.ciLowPct) ?? pct(num(c.ciLow));
  const hi = num(c.ciHighPct) ?? pct(num(c.ciHigh));
  const out: FigureComparison = { figure, verdict: comparisonVerdict(c, better, lo, hi), origin: 'bench', better };
  const baseline = num(c.baseline) ?? num(c.reference);
  const current = num(c.current) ?? num(c.candidate);
  const confidence = num(c.confidence);
  if (baseline !== undefined) out.baseline = baseline;
  if (current !== undefined) out.current = current;
  if (changePct !== undefined) out.changePct = changePct;
  if (lo !== undefined) out.ciLowPct = lo;
  if (hi !== undefined) out.ciHighPct = hi;
  if (confidence !== undefined) out.confidence = confidence;
  if (typeof c.unit === 'string') out.unit = c.unit;
  return out;
}

/**
 * `comparison` as a list (`figures: [...]`) or as a map from figure to its numbers. A `--vs`
 * comparison (two runtimes in one run) is not a regression of either, so only baselines count.
 */
function comparisons(v: unknown): FigureComparison[] {
  if (!isObject(v) || v.kind === 'vs') return [];
  const entries: Array<[string, unknown]> = Array.isArray(v.figures)
    ? v.figures.map((c) => [isObject(c) && typeof c.figure === 'string' ? c.figure : '', c])
    : Object.entries(v).filter(([, c]) => isObject(c) && ('changePct' in c || 'ratio' in c || 'verdict' in c));
  return entries.filter((e): e is [string, Json] => e[0] !== '' && isObject(e[1])).map(([figure, c]) => comparedFigure(figure, c));
}

const p50Of = (v: unknown): number | undefined => (isObject(v) ? num(v.p50Us) : undefined);

/** The `streaming` phase of one side, with the run's floor (`streamingFloor`) matched by stream label. */
function streamingReport(v: unknown, floor: unknown): StreamingReport | undefined {
  if (!isObject(v)) return undefined;
  const floorStreams = isObject(floor) && Array.isArray(floor.streams) ? floor.streams.filter(isObject) : [];
  const streams = (Array.isArray(v.streams) ? v.streams.filter(isObject) : []).flatMap((s): StreamingRow[] => {
    if (typeof s.stream !== 'string') return [];
    const row: StreamingRow = { stream: s.stream };
    const set = <K extends keyof StreamingRow>(k: K, n: StreamingRow[K] | undefined) => {
      if (n !== undefined) row[k] = n;
    };
    set('ttfbP50Us', p50Of(s.ttfb));
    set('completeP50Us', p50Of(s.complete));
    set('mibPerSec', num(s.throughputMiBps));
    const f = floorStreams.find((x) => x.stream === s.stream);
    if (f) {
      set('floorTtfbP50Us', p50Of(f.ttfb));
      set('floorMibPerSec', num(f.throughputMiBps));
    }
    return [row];
  });
  const out: StreamingReport = { streams };
  if (typeof v.skipped === 'string') out.skipped = v.skipped;
  return out;
}

function concurrencyReport(v: unknown): ConcurrencyReport | undefined {
  if (!isObject(v)) return undefined;
  const levels = (Array.isArray(v.levels) ? v.levels.filter(isObject) : []).flatMap((l) => {
    const n = num(l.concurrency);
    const perSec = num(l.perSec);
    if (n === undefined || perSec === undefined) return [];
    const point: ConcurrencyReport['levels'][number] = { concurrency: n, perSec };
    const ideal = num(l.idealPerSec);
    const failed = num(l.failed);
    if (ideal !== undefined) point.idealPerSec = ideal;
    if (failed !== undefined) point.failed = failed;
    return [point];
  });
  const out: ConcurrencyReport = { levels: levels.sort((a, b) => a.concurrency - b.concurrency) };
  if (typeof v.skipped === 'string') out.skipped = v.skipped;
  const sleep = num(v.sleepMs);
  if (sleep !== undefined) out.sleepMs = sleep;
  if (v.stopsScalingAt === null || num(v.stopsScalingAt) !== undefined) out.stopsScalingAt = v.stopsScalingAt as number | null;
  return out;
}

const sideName = (e: Json): string | undefined => (isObject(e.runtime) && typeof e.runtime.name === 'string' ? e.runtime.name : typeof e.runtime === 'string' ? e.runtime : undefined);

/** One runtime's entry of a bench document -> the figures the report knows. */
export function benchFigures(entry: Json): BenchFigures {
  const out: BenchFigures = { comparison: comparisons(entry.comparison) };
  const lat = latency(entry);
  if (lat) out.latency = lat;
  if (isObject(entry.throughput)) {
    const t = entry.throughput;
    const concurrent = (Array.isArray(t.concurrent) ? t.concurrent : [])
      .map((c) => (isObject(c) ? { environments: num(c.environments), perSec: num(c.perSec) } : {}))
      .filter((c): c is { environments: number; perSec: number } => c.environments !== undefined && c.perSec !== undefined)
      .sort((a, b) => a.environments - b.environments);
    // zero over zero invokes: the throughput phase did not run
    const seq = num(t.sequentialInvokes) === 0 ? undefined : num(t.sequentialPerSec);
    if (seq !== undefined || concurrent.length) {
      out.throughput = seq === undefined ? { concurrent } : { sequentialPerSec: seq, concurrent };
      const ci = interval(t.sequentialPerSecCi);
      if (ci && seq !== undefined) out.throughput.sequentialPerSecCi = ci;
    }
  }
  const cold = numbers(entry.coldStart, ['p50Ms', 'p90Ms', 'samples'] as const);
  if (cold) out.coldStart = cold;
  const mem = numbers(entry.memory, ['peakRssMb', 'growthMb'] as const);
  if (mem) out.memory = mem;
  const floor = numbers(entry.floor, ['pingPongUs', 'cMockUs', 'bootspecMockUs'] as const);
  if (floor) out.floor = floor;
  const overhead = num(entry.mockOverheadUs);
  if (overhead !== undefined) out.mockOverheadUs = overhead;
  const cmp = entry.comparison;
  if (isObject(cmp)) {
    const against = cmp.reference ?? cmp.baselineFile ?? cmp.baseline ?? cmp.against;
    if (typeof against === 'string') out.comparedWith = against;
  }
  if (isObject(entry.host)) out.host = entry.host;
  const streaming = streamingReport(entry.streaming, entry.streamingFloor);
  if (streaming) out.streaming = streaming;
  const concurrency = concurrencyReport(entry.concurrency);
  if (concurrency) out.concurrency = concurrency;
  if (isObject(entry.vs)) {
    const vs: NonNullable<BenchFigures['vs']> = { name: sideName(entry.vs) ?? 'vs' };
    const vsStreaming = streamingReport(entry.vs.streaming, entry.streamingFloor);
    if (vsStreaming) vs.streaming = vsStreaming;
    const vsConcurrency = concurrencyReport(entry.vs.concurrency);
    if (vsConcurrency) vs.concurrency = vsConcurrency;
    if (vs.streaming || vs.concurrency) out.vs = vs;
  }
  return out;
}

/** True when a parsed JSON document looks like bench output rather than conformance results. */
export function looksLikeBench(doc: Json): boolean {
  const entries = Array.isArray(doc.runs) ? doc.runs.filter(isObject) : [doc];
  if (entries.some((e) => Array.isArray(e.results))) return false;
  return doc.kind === 'bench' || entries.some((e) => isObject(e.latency) || isObject(e.throughput) || isObject(e.coldStart));
}
