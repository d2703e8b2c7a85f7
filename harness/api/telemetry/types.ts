/**
 * Public shapes of the Telemetry API (2022-07-01) and the older Logs API (2020-08-15) of one
 * execution environment: what an extension subscribes with, the moments the platform reports, and the
 * events a subscriber receives (JSON arrays POSTed to its loopback destination).
 * https://docs.aws.amazon.com/lambda/latest/dg/telemetry-api.html
 * https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-logs-api.html
 */

/** Which API a subscription came through: the event shapes differ. */
export type TelemetryApiKind = 'telemetry' | 'logs';

/** The streams an extension may subscribe to. */
export type TelemetryStream = 'platform' | 'function' | 'extension';

export interface TelemetryBuffering {
  maxItems: number;
  maxBytes: number;
  timeoutMs: number;
}

/** A validated subscription request. */
export interface SubscriptionRequest {
  api: TelemetryApiKind;
  schemaVersion: string;
  types: TelemetryStream[];
  buffering: TelemetryBuffering;
  /** The destination as the extension wrote it. */
  uri: string;
  /** Where bootspec actually POSTs: always 127.0.0.1 (sandbox.localdomain and localhost map to it). */
  port: number;
  path: string;
}

/** One event as a subscriber receives it. */
export interface TelemetryEvent {
  time: string;
  type: string;
  record: unknown;
}

export type InitPhase = 'init' | 'invoke';
/** `Status` of the schema reference, plus `timeout` as platform.runtimeDone reports it. */
export type PhaseStatus = 'success' | 'failure' | 'error' | 'timeout';

export interface TraceContext {
  type: 'X-Amzn-Trace-Id';
  value: string;
}

export interface Span {
  name: string;
  start: string;
  durationMs: number;
}

export interface ReportMetrics {
  durationMs: number;
  billedDurationMs: number;
  memorySizeMB: number;
  maxMemoryUsedMB: number;
  initDurationMs?: number;
}

/**
 * What happened, once, in bootspec's words; each API renders it its own way (or not at all).
 * Times are epoch milliseconds.
 */
export type TelemetryMoment =
  | { kind: 'initStart'; phase: InitPhase }
  | { kind: 'initRuntimeDone'; phase: InitPhase; status: PhaseStatus; errorType?: string }
  | { kind: 'initReport'; phase: InitPhase; status: PhaseStatus; errorType?: string; durationMs: number }
  | { kind: 'start'; requestId: string; version: string; tracing?: TraceContext; tenantId?: string }
  | {
      kind: 'runtimeDone';
      requestId: string;
      status: PhaseStatus;
      errorType?: string;
      durationMs: number;
      producedBytes?: number;
      spans: Span[];
      tracing?: TraceContext;
      tenantId?: string;
    }
  | { kind: 'end'; requestId: string }
  | { kind: 'report'; requestId: string; status: PhaseStatus; errorType?: string; metrics: ReportMetrics; tracing?: TraceContext; tenantId?: string }
  | { kind: 'extension'; name: string; state: string; events: string[] }
  | { kind: 'subscription'; api: TelemetryApiKind; name: string; types: TelemetryStream[] }
  | { kind: 'fault'; text: string }
  | { kind: 'logsDropped'; droppedRecords: number; droppedBytes: number; reason: string }
  | { kind: 'log'; stream: 'function' | 'extension'; text: string };

/** What a subscriber got, for tests and reports. */
export interface SubscriberStats {
  extension: string;
  api: TelemetryApiKind;
  /** Events POSTed and answered with a 2xx. */
  delivered: number;
  /** Batches POSTed (each a JSON array). */
  batches: number;
  /** Events given up on (the destination failed every retry, or the buffer overflowed). */
  dropped: number;
}
