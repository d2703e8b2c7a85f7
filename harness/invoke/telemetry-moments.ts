/**
 * The moments of an environment's phases as the Telemetry and Logs APIs report them, taken at the
 * points where Lambda writes its platform lines (START, END, REPORT, INIT_REPORT):
 * initStart → initRuntimeDone → extension (one per registered extension) → initReport, then per
 * invocation start → runtimeDone → end → report.
 * https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html
 */
import type { ExtensionInfo } from '../api/extensions/types.ts';
import type { TelemetryHub } from '../api/telemetry/hub.ts';
import type { InitPhase, PhaseStatus, Span, TraceContext } from '../api/telemetry/types.ts';
import type { InvocationRequest, RuntimeResult } from '../api/types.ts';
import { initErrorType } from './outcome.ts';
import type { InitAttempt, InvocationOutcome, InvocationRecord, LogLine } from './types.ts';

/** The largest time a Date holds (ECMA-262 §21.4.1.1). */
const MAX_DATE_MS = 8.64e15;

/** An environment's log sink that also hands the function's and the extensions' lines to its subscribers. */
export function withTelemetry(hub: TelemetryHub, onLog: ((line: LogLine) => void) | undefined): (line: LogLine) => void {
  return (line) => {
    // A framed record is dated by its frame, as Lambda dates it (a date no Date can hold: by its
    // arrival); an output line by its arrival.
    const dated = line.loggedAt !== undefined && Math.abs(line.loggedAt) <= MAX_DATE_MS ? line.loggedAt : line.at;
    if (line.stream !== 'platform') hub.log(line.extension === undefined ? 'function' : 'extension', line.text, dated);
    onLog?.(line);
  };
}

function initStatus(a: InitAttempt): PhaseStatus {
  if (a.kind === 'ready') return 'success';
  return a.kind === 'timeout' ? 'timeout' : 'error';
}

/** The end of one init attempt: the runtime's part (if not reported yet), the extensions, the report. */
export function reportInit(hub: TelemetryHub, a: InitAttempt, phase: InitPhase, startedAt: number, extensions: readonly ExtensionInfo[]): void {
  const status = initStatus(a);
  const errorType = initErrorType(a);
  const err = errorType === undefined ? {} : { errorType };
  hub.initRuntimeDone({ kind: 'initRuntimeDone', phase, status, ...err }, startedAt + a.durationMs);
  if (a.kind === 'ready') {
    for (const x of extensions) hub.report({ kind: 'extension', name: x.name, state: 'Ready', events: [...x.events] });
  }
  hub.report({ kind: 'initReport', phase, status, ...err, durationMs: a.durationMs });
  hub.endInit();
}

/** What the invocation phase's events say of their invocation: its trace, and its tenant when it has one. */
function tracing(request: InvocationRequest): { tracing?: TraceContext; tenantId?: string } {
  return {
    ...(request.traceId ? { tracing: { type: 'X-Amzn-Trace-Id', value: request.traceId } } : {}),
    ...(request.tenantId ? { tenantId: request.tenantId } : {}),
  };
}

export function reportStart(hub: TelemetryHub, request: InvocationRequest, version: string): void {
  if (!hub.active) return;
  hub.report({ kind: 'start', requestId: request.requestId, version, ...tracing(request) });
}

function invocationStatus(outcome: InvocationOutcome): PhaseStatus {
  switch (outcome) {
    case 'success':
      return 'success';
    case 'function-error':
      return 'error';
    case 'timeout':
    case 'init-timeout':
      return 'timeout';
    default:
      return 'failure';
  }
}

/** What platform.runtimeDone needs: how the runtime's part of an invocation ended. */
export interface RuntimeDoneFacts {
  request: InvocationRequest;
  outcome: InvocationOutcome;
  errorType: string | undefined;
  /** When the event went out (or the invocation started, if it never did). */
  deliveredAt: number;
  result: RuntimeResult | undefined;
  /** When the runtime was done: its result, or the end of the invocation. */
  at: number;
}

/**
 * platform.runtimeDone, as the runtime asks for its next event (or dies, or times out): before the
 * extensions' part of the invocation and before any shutdown, so a subscriber still running hears it.
 */
export function reportRuntimeDone(hub: TelemetryHub, f: RuntimeDoneFacts): void {
  if (!hub.active) return;
  const status = invocationStatus(f.outcome);
  const err = status === 'success' || f.errorType === undefined ? {} : { errorType: f.errorType };
  const result = f.result;
  const spans: Span[] = [];
  if (result && result.kind !== 'too-large') {
    // Latency to the first byte of the response; its duration to the last (one piece unless streamed).
    const firstByte = result.kind === 'response' && result.stream?.arrivals[0] ? result.stream.arrivals[0].at : result.at;
    spans.push({ name: 'responseLatency', start: new Date(f.deliveredAt).toISOString(), durationMs: round2(firstByte - f.deliveredAt) });
    spans.push({ name: 'responseDuration', start: new Date(firstByte).toISOString(), durationMs: round2(result.at - firstByte) });
  }
  const producedBytes = result?.kind === 'response' ? (result.stream?.size ?? result.payload.length) : undefined;
  const metrics = { durationMs: f.at - f.deliveredAt, ...(producedBytes === undefined ? {} : { producedBytes }) };
  hub.report({ kind: 'runtimeDone', requestId: f.request.requestId, status, ...err, ...metrics, spans, ...tracing(f.request) }, f.at);
}

/**
 * The end of an invocation: end (Logs API), fault for a process that died (Logs API) and report;
 * runtimeDone too when the invocation never reached the runtime (its init failed).
 */
export function reportInvocationEnd(hub: TelemetryHub, r: InvocationRecord, memorySizeMb: number, withRuntimeDone: boolean): void {
  if (!hub.active) return;
  const t = r.timings;
  if (withRuntimeDone) {
    reportRuntimeDone(hub, { request: r.request, outcome: r.outcome, errorType: r.errorType, deliveredAt: t.deliveredAt ?? t.startedAt, result: r.runtimeResult, at: t.completedAt });
  }
  const status = invocationStatus(r.outcome);
  const err = status === 'success' || r.errorType === undefined ? {} : { errorType: r.errorType };
  hub.report({ kind: 'end', requestId: r.requestId });
  if (r.outcome === 'runtime-exit') hub.report({ kind: 'fault', text: `RequestId: ${r.requestId} Process exited before completing request` });
  const metrics = {
    durationMs: round2(t.durationMs),
    billedDurationMs: t.billedDurationMs,
    memorySizeMB: memorySizeMb,
    // Unknown when not recording (benchmarks): 0 rather than a made-up figure.
    maxMemoryUsedMB: r.maxMemoryUsedMb ?? 0,
    ...(r.coldStart && t.initDurationMs !== undefined ? { initDurationMs: round2(t.initDurationMs) } : {}),
  };
  hub.report({ kind: 'report', requestId: r.requestId, status, ...err, metrics, ...tracing(r.request) });
}

function round2(ms: number): number {
  return Math.round(ms * 100) / 100;
}
