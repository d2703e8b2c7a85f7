/**
 * Public shapes of the report's inputs and of the history built from them: results documents
 * (schemas/results.v1.schema.json), benchmark documents (bootspec bench), nightly lane status, and
 * the per-lane timelines and run-vs-run differences every reporter (HTML, Markdown) reads.
 */
import type { ExpectationDiff, Level, RuntimeInfo, ScenarioResult, Summary, Verdict } from '../suite/types.ts';
import type { HostFingerprint } from './history-host.ts';

/** One runtime's part of a results document, as json.ts writes it. */
export interface RunDocument {
  runtime: RuntimeInfo & { baseImage?: string; image?: string };
  results: ScenarioResult[];
  summary: Summary;
  expectationDiffs: ExpectationDiff[];
  startedAt: string;
  durationMs: number;
  manifest?: unknown;
  manifestSha256?: string | null;
}

/** A results document (docs/probe-contract.md#results) after schema validation. */
export interface ResultsDocument {
  schemaVersion: 1;
  tool: { name: 'bootspec'; version: string };
  generatedAt: string;
  strict: boolean;
  host?: HostFingerprint;
  runs: RunDocument[];
}

/** A lane is one runtime run by one driver: a column of the matrix, a line of every trend. */
export interface LaneId {
  runtime: string;
  driver: string;
}

export const laneKey = (l: LaneId): string => `${l.runtime} · ${l.driver}`;

export interface LatencyFigures {
  p50Us?: number;
  p90Us?: number;
  p99Us?: number;
  p999Us?: number;
  maxUs?: number;
  samples?: number;
  /** Confidence interval of p50 (bootstrap over blocks), when the bench gives one. */
  p50CiUs?: [number, number];
  /** Merged histogram buckets (upper bound in µs, count), when the bench document carries them. */
  histogram?: Array<{ leUs: number; count: number }>;
}

/** One figure of a bench comparison against its baseline, with its confidence interval. */
export interface FigureComparison {
  /** Dotted path of the figure, e.g. `latency.p99Us`. */
  figure: string;
  baseline?: number;
  current?: number;
  changePct?: number;
  ciLowPct?: number;
  ciHighPct?: number;
  /** Confidence level of the interval, e.g. 0.95. */
  confidence?: number;
  verdict: 'regression' | 'improvement' | 'unchanged' | 'inconclusive';
  better?: 'lower' | 'higher';
  unit?: string;
  /** Where the verdict came from: the bench's own comparison, or history's run-vs-run difference. */
  origin: 'bench' | 'history';
}

/** One runtime's benchmark figures, normalised from a bench document (every part optional). */
export interface BenchFigures {
  latency?: LatencyFigures;
  throughput?: { sequentialPerSec?: number; sequentialPerSecCi?: [number, number]; concurrent: Array<{ environments: number; perSec: number }> };
  coldStart?: { p50Ms?: number; p90Ms?: number; samples?: number };
  memory?: { peakRssMb?: number; growthMb?: number };
  /** The same-run floor: a bare loopback round trip, and a C client against the mock. */
  floor?: { pingPongUs?: number; cMockUs?: number; bootspecMockUs?: number };
  mockOverheadUs?: number;
  /** The `streaming` phase, per stream size, with its same-run floor (a minimal client). */
  streaming?: StreamingReport;
  /** The opt-in `concurrency` phase: one environment's throughput at concurrency N. */
  concurrency?: ConcurrencyReport;
  /** The `--vs` runtime of the same run, for the figures shown side by side (not a lane of its own). */
  vs?: { name: string; streaming?: StreamingReport; concurrency?: ConcurrencyReport };
  comparison: FigureComparison[];
  /** What the comparison compared against (a file, a date), as the bench document says. */
  comparedWith?: string;
  host?: Record<string, unknown>;
}

export interface StreamingRow {
  stream: string;
  ttfbP50Us?: number;
  completeP50Us?: number;
  mibPerSec?: number;
  /** The same stream read by the mock from a minimal raw-socket client, in the same run. */
  floorTtfbP50Us?: number;
  floorMibPerSec?: number;
}

export interface StreamingReport {
  /** Why the runtime was not measured, when it was not. */
  skipped?: string;
  streams: StreamingRow[];
}

export interface ConcurrencyPoint {
  concurrency: number;
  perSec: number;
  /** N / sleep: what a runtime with no overhead would reach (the floor of this phase). */
  idealPerSec?: number;
  failed?: number;
}

export interface ConcurrencyReport {
  skipped?: string;
  sleepMs?: number;
  levels: ConcurrencyPoint[];
  /** The first N that did not scale (below 1.2 x the previous level); null when every level did. */
  stopsScalingAt?: number | null;
}

/** A runtime's conformance results at one point in time. */
export interface ConformanceSnapshot {
  at: string;
  file: string;
  toolVersion: string;
  strict: boolean;
  host?: HostFingerprint;
  run: RunDocument;
}

export interface BenchSnapshot {
  at: string;
  file: string;
  toolVersion?: string;
  figures: BenchFigures;
  runtime: Record<string, unknown>;
}

/** What the nightly says about a lane whose newest data did not come from the newest night. */
export interface LaneStaleness {
  reason: string;
  /** When the lane last finished. */
  lastFinishedAt?: string;
  attemptedAt: string;
}

export interface LaneHistory extends LaneId {
  key: string;
  /** Oldest first; the last is what the report shows. */
  conformance: ConformanceSnapshot[];
  bench: BenchSnapshot[];
  stale?: LaneStaleness;
}

/** A scenario whose verdict is not what it was in the previous run of the same lane. */
export interface VerdictChange {
  lane: string;
  id: string;
  title: string;
  area: string;
  level: Level;
  from: Verdict | 'absent';
  to: Verdict | 'absent';
  kind: 'new-failure' | 'fixed' | 'changed' | 'added' | 'removed';
  message: string;
}

export interface FigureChange extends FigureComparison {
  lane: string;
  label: string;
  unit: string;
}

export interface LaneDiff {
  lane: string;
  fromAt?: string;
  toAt: string;
  verdictChanges: VerdictChange[];
  figureChanges: FigureChange[];
  /** Build digest, manifest, bootspec version or host changed: said so figures are read with care. */
  metadataChanges: string[];
}

/** Everything a reporter needs: lanes in column order, and the differences from the previous run. */
export interface ReportHistory {
  lanes: LaneHistory[];
  diffs: LaneDiff[];
  /** Newest date among the inputs. */
  newestAt: string;
  files: string[];
}

/** The nightly's status document: which lanes finished in the last attempt. */
export interface NightlyStatus {
  kind: 'bootspec-nightly-status';
  attemptedAt: string;
  complete: boolean;
  lanes: Array<LaneId & { finished: boolean; reason?: string; lastFinishedAt?: string }>;
}
