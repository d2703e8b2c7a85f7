/** Public shapes of `bootspec bench`: its options and the result it writes (schemas/bench.v1.schema.json). */
import type { BinnedJson } from './binned.ts';
import type { Verdict } from './stats.ts';

export const BENCH_SCHEMA_ID = 'https://bootspec.dev/schemas/bench.v1.schema.json';
export const BENCH_SCHEMA_VERSION = 1;

/** Percentiles of one latency distribution, in µs, from merged HDR histograms. */
export interface LatencySummary {
  p50Us: number;
  p90Us: number;
  p99Us: number;
  p999Us: number;
  maxUs: number;
  samples: number;
  /** Blocks (rounds) the samples came from. */
  blocks: number;
  /** 95 % block-bootstrap interval of p50. */
  p50CiUs: [number, number];
}

/** One timed block of a throughput loop. */
export interface RateBlock {
  invokes: number;
  seconds: number;
}

export interface RateFigure {
  perSec: number;
  perSecCi: [number, number];
  invokes: number;
}

export interface PayloadLatency {
  /** Nominal size: 0 B, 1 KB, 64 KB, 1 MB, 6 MB. */
  payload: string;
  payloadBytes: number;
  /** Bytes actually sent as the event (probe runtimes need at least a minimal JSON echo event). */
  eventBytes: number;
  /** Mock side: event handed to /next -> result posted. */
  mock: LatencySummary;
  /** Per-invoke cycle at the mock: one result posted -> the next (the whole cost of an invoke). */
  cycle: LatencySummary;
  /** End to end through the invoke endpoint of `bootspec serve` (HTTP client to response). */
  endpoint: LatencySummary | null;
}

export interface RuntimeFigures {
  runtime: { name: string; folder: string; description: string };
  /** Headline: 0 B payload, mock side. */
  latency: LatencySummary & { payload: string; view: 'mock'; byPayload: PayloadLatency[] };
  throughput: {
    sequentialPerSec: number;
    sequentialPerSecCi: [number, number];
    sequentialInvokes: number;
    concurrent: Array<{ environments: number } & RateFigure>;
    /** `bootspec serve`'s endpoint driven by autocannon (one environment, one connection). */
    endpoint: (RateFigure & { tool: 'autocannon'; connections: number; errors: number; non2xx: number }) | null;
  };
  coldStart: { p50Ms: number; p90Ms: number; samples: number; firstResultP50Ms: number; firstResultP90Ms: number } | null;
  memory: { peakRssMb: number; growthMb: number; rssBeforeMb: number; rssAfterMb: number; invokes: number } | null;
  /** Streamed responses (the `streaming` phase); absent in results from before it. */
  streaming?: StreamingFigures;
  /** One environment's throughput curve over concurrency (the opt-in `concurrency` phase). */
  concurrency?: ConcurrencyFigures;
  /** Per-block data that a later `--baseline` comparison resamples. */
  raw: RawBlocks;
}

/** Bytes moved and the time they took, summed over one block of streamed invokes. */
export interface StreamRateBlock {
  bytes: number;
  seconds: number;
}

/** One streamed response size, measured at the mock from its recorded arrival times. */
export interface StreamFigure {
  /** e.g. "8 × 64 KiB". */
  stream: string;
  chunks: number;
  chunkBytes: number;
  bytes: number;
  invokes: number;
  /** Event handed to /next -> first streamed byte at the mock. */
  ttfb: LatencySummary;
  /** Event handed to /next -> last streamed byte at the mock. */
  complete: LatencySummary;
  /**
   * MiB/s from the first streamed byte to the last (the bytes after the first arrival over that
   * span, pooled over invokes); null when every stream arrived at once (within 1 ms).
   */
  throughputMiBps: number | null;
  throughputMiBpsCi: [number, number] | null;
}

export interface StreamingFigures {
  /** Why the runtime was not measured (it does not claim `streaming`, or has no probe); null when it was. */
  skipped: string | null;
  /** The handler streamed from (`<module>.streaming`, docs/probe-contract.md). */
  handler: string | null;
  streams: StreamFigure[];
}

/** The streaming floor: bootspec's mock reading the same streams from a minimal client. */
export interface StreamingFloor {
  client: string;
  streams: StreamFigure[];
}

export interface RawStream {
  ttfb: BinnedJson[];
  complete: BinnedJson[];
  rate: StreamRateBlock[];
}

export interface RawBlocks {
  latency: Record<string, { mock: BinnedJson[]; cycle: BinnedJson[]; endpoint: BinnedJson[] }>;
  sequential: RateBlock[];
  concurrent: Record<string, RateBlock[]>;
  endpointThroughput: RateBlock[];
  coldStartMs: number[];
  firstResultMs: number[];
  /** Per stream (its label), when the `streaming` phase ran. */
  streaming?: Record<string, RawStream>;
  /** Per level N of the `concurrency` phase, its timed blocks, when the phase ran. */
  concurrency?: Record<string, RateBlock[]>;
}

export type PlacementMode = 'split' | 'shared' | 'none';

export interface Placement {
  pinned: boolean;
  mode: PlacementMode;
  /** CPU of bootspec's process (the mock, the invoke endpoint, the C mock). */
  mockCpu: number | null;
  /** CPU of the runtime processes (and of the load generator). */
  runtimeCpu: number | null;
  note: string;
}

export interface HostInfo {
  cpuModel: string;
  cores: number;
  kernel: string;
  node: string;
  loadAverage: [number, number, number];
  placement: Placement;
  sandbox: boolean;
  driver: string;
}

export interface FloorFigures {
  /** Bare loopback TCP round trip (1 byte each way), p50. */
  pingPongUs: number;
  /** null-c against the minimal C mock, 0 B, per-invoke cycle p50. */
  cMockUs: number;
  /** null-c against bootspec's mock, 0 B, per-invoke cycle p50 (interleaved with the C mock). */
  bootspecMockUs: number;
  pingPong: LatencySummary;
  cMock: Array<{ payload: string; payloadBytes: number; latency: LatencySummary; cycle: LatencySummary }>;
  bootspecMock: { latency: LatencySummary; cycle: LatencySummary };
  /** 95 % paired block-bootstrap interval of the mock overhead (bootspecMockUs − cMockUs). */
  overheadCiUs: [number, number] | null;
}

export interface ComparedFigure {
  figure: string;
  unit: string;
  better: 'lower' | 'higher';
  reference: number;
  candidate: number;
  ratio: number;
  ciLow: number;
  ciHigh: number;
  verdict: Verdict;
  /** primary figures gate the comparison; secondary ones inform (absent in results before the gate). */
  tier?: 'primary' | 'secondary';
  /** How the figure was read from its blocks when not the plain merged one (tails: a trimmed mean). */
  method?: string;
  /** Two-sided bootstrap p-value of "no change", and after Holm's adjustment within its tier. */
  p?: number;
  pAdjusted?: number;
  /** Half-width of the 90 % interval as a fraction (0.12 = ±12 %): the noise a verdict had to beat. */
  noise?: number;
}

export interface Comparison {
  kind: 'vs' | 'baseline';
  reference: string;
  candidate: string;
  threshold: number;
  resamples: number;
  seed: number;
  paired: boolean;
  figures: ComparedFigure[];
  /** Primary figures regressed / improved (secondary figures inform and are not counted). */
  regressed: number;
  improved: number;
  verdict: Verdict;
  /** Family-wise error rate of the gate. */
  alpha?: number;
  /** The gating rule in words, as printed. */
  gate?: string;
  /** When `inconclusive`: the noisiest undecided primary figure and its noise (fraction). */
  noise?: { figure: string; noise: number };
}

export interface BenchResult {
  $schema: typeof BENCH_SCHEMA_ID;
  schemaVersion: typeof BENCH_SCHEMA_VERSION;
  bootspec: string;
  startedAt: string;
  durationS: number;
  host: HostInfo;
  settings: BenchSettings;
  floor: FloorFigures | null;
  /** floor.bootspecMockUs - floor.cMockUs: what bootspec's mock costs per invoke above a minimal one. */
  mockOverheadUs: number | null;
  runtime: RuntimeFigures['runtime'];
  latency: RuntimeFigures['latency'];
  throughput: RuntimeFigures['throughput'];
  coldStart: RuntimeFigures['coldStart'];
  memory: RuntimeFigures['memory'];
  streaming?: StreamingFigures;
  concurrency?: ConcurrencyFigures;
  /** Same-run floor of the `streaming` phase (absent when the phase did not run). */
  streamingFloor?: StreamingFloor | null;
  raw: RawBlocks;
  vs: RuntimeFigures | null;
  comparison: Comparison | null;
}

export type Phase = 'floor' | 'latency' | 'throughput' | 'endpoint' | 'cold-start' | 'memory' | 'streaming' | 'concurrency';
/** Every phase, in run order (what `--phases` accepts and a merge orders by). */
export const ALL_PHASES: readonly Phase[] = ['floor', 'latency', 'throughput', 'endpoint', 'cold-start', 'memory', 'streaming', 'concurrency'];
/** What runs without `--phases`: `concurrency` is opt-in, so default runs (and CI) stay as they were. */
export const DEFAULT_PHASES: readonly Phase[] = ALL_PHASES.filter((p) => p !== 'concurrency');

/** One level of the `concurrency` phase: N callers in a closed loop against one environment of maxConcurrency N. */
export interface ConcurrencyLevel {
  concurrency: number;
  /** Invokes answered with success, and the seconds the loop took. */
  invokes: number;
  seconds: number;
  perSec: number;
  /** perSec over the N = 1 level's (null without an N = 1 level). */
  speedup: number | null;
  /** The floor: N / sleep × 1000, what a runtime with zero overhead would reach. */
  idealPerSec: number;
  /** perSec / idealPerSec. */
  ofIdeal: number;
  /** Invokes that did not end in success (errors, timeouts, crashes). */
  failed: number;
}

export interface ConcurrencyFigures {
  /** Why the runtime was not measured (no `concurrency` feature, or no probe); null when it was. */
  skipped: string | null;
  /** The event every invoke sent. */
  event: string;
  sleepMs: number;
  levels: ConcurrencyLevel[];
  /** The first N whose throughput is below 1.2 × the previous level's; null when every level scaled. */
  stopsScalingAt: number | null;
}

export interface BenchSettings {
  phases: Phase[];
  /** Measured invokes per side and payload for small payloads, spread over the rounds. */
  invokes: number;
  /** Discarded invokes before the first round of each payload. */
  warmup: number;
  rounds: number;
  payloads: number[];
  /** Bytes an invoke loop may move per side and payload; large payloads get fewer invokes. */
  bytesPerPayload: number;
  environments: number[];
  /** Seconds each concurrent / autocannon block runs. */
  blockSeconds: number;
  coldStarts: number;
  memoryInvokes: number;
  threshold: number;
  resamples: number;
  seed: number;
  /** Upper bound of any one timed loop, in seconds. */
  maxLoopSeconds: number;
  /** `concurrency` phase: the levels N (default 1, 2, 4, 8) and invokes per caller per level (default 200). */
  concurrencyLevels?: number[];
  concurrencyInvokes?: number;
}
