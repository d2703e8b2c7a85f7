/**
 * The end of an invocation: its InvocationRecord, and the END and REPORT lines Lambda writes for it
 * (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html).
 */
import { now } from '../clock.ts';
import type { ExchangeLogMark } from '../api/recorder.ts';
import type { RuntimeApi } from '../api/runtime-api.ts';
import type { InvocationRequest } from '../api/types.ts';
import type { LogBuffer } from './log-buffer.ts';
import { fromInit, invokeResponse, type Raced, type Verdict } from './outcome.ts';
import { endLine, reportLine } from './platform-lines.ts';
import type { InitAttempt, InvocationRecord, LogLine } from './types.ts';

/** What is known of an invocation once its event is about to go out. */
export interface InvocationStart {
  request: InvocationRequest;
  queuedAt: number;
  startedAt: number;
  timeoutMs: number;
  logMark: ExchangeLogMark;
  lines: LogLine[];
  inits: InitAttempt[];
  coldStart: boolean;
  initDurationMs: number | undefined;
}

/** How it ended: an init that failed before the event went out, or the race of result, exit and deadline. */
export type InvocationEnd =
  | { failedInit: InitAttempt }
  | { raced: Raced; verdict: Verdict; maxMemKb: number; deliveries: number; deliveredAt: number | undefined };

/** Writes END and REPORT to `logs` and returns the record. */
export function finishInvocation(start: InvocationStart, suppressedInit: boolean, end: InvocationEnd, memorySizeMb: number, api: RuntimeApi, logs: LogBuffer): InvocationRecord {
  const { request } = start;
  const id = request.requestId;
  const completedAt = now();
  const verdict = 'failedInit' in end ? fromInit(end.failedInit, id, start.timeoutMs) : end.verdict;
  const durationMs = completedAt - start.startedAt;
  const billedDurationMs = Math.ceil(durationMs + (start.coldStart ? (start.initDurationMs ?? 0) : 0));
  const maxMemoryUsedMb = 'maxMemKb' in end && end.maxMemKb > 0 ? Math.ceil(end.maxMemKb / 1024) : undefined;
  const generation = api.generation;
  logs.platform(endLine(id), generation);
  logs.platform(
    reportLine({
      requestId: id,
      durationMs,
      billedMs: billedDurationMs,
      memorySizeMb,
      maxMemoryUsedMb,
      initDurationMs: start.initDurationMs,
      status: verdict.outcome === 'timeout' ? 'timeout' : verdict.platformError ? 'error' : undefined,
      errorType: verdict.platformError ? verdict.errorType : undefined,
    }),
    generation,
  );
  logs.endInvocation();
  const raced = 'raced' in end ? end.raced : undefined;
  return {
    requestId: id,
    outcome: verdict.outcome,
    response: invokeResponse(verdict),
    errorType: verdict.errorType,
    runtimeResult: raced?.tag === 'result' ? raced.r : undefined,
    inits: start.inits,
    exit: raced?.tag === 'exit' ? raced.e : 'failedInit' in end && end.failedInit.kind === 'exit' ? end.failedInit.exit : undefined,
    coldStart: start.coldStart,
    suppressedInit,
    deliveries: 'deliveries' in end ? end.deliveries : 0,
    generation,
    request,
    timings: {
      queuedAt: start.queuedAt,
      startedAt: start.startedAt,
      deliveredAt: 'deliveredAt' in end ? end.deliveredAt : undefined,
      resultAt: raced?.tag === 'result' ? raced.r.at : undefined,
      completedAt,
      durationMs,
      initDurationMs: start.initDurationMs,
      billedDurationMs,
    },
    maxMemoryUsedMb,
    exchanges: api.log.enabled ? api.log.forInvocation(start.logMark, id) : [],
    logs: start.lines,
  };
}
