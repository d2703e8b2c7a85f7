/**
 * How an invocation ended, as the platform reports it: the outcome, the body and errorType a caller
 * of the Invoke API gets, and whether the platform (not the function) made the error.
 */
import { exitMessage, platformError, PlatformErrorType, responseTooLargeError, timeoutMessage } from '../api/errors.ts';
import type { RuntimeResult } from '../api/types.ts';
import type { ExitInfo } from '../drivers/types.ts';
import type { InitAttempt, InvocationOutcome, InvocationRecord } from './types.ts';

/** Whichever came first while an event was out: the runtime's result, the process's exit, the deadline. */
export type Raced = { tag: 'result'; r: RuntimeResult } | { tag: 'exit'; e: ExitInfo } | { tag: 'timeout' };

export interface Verdict {
  outcome: InvocationOutcome;
  payload: Buffer;
  contentType: string;
  errorType: string | undefined;
  /** True when the platform, not the function, made the error (REPORT gets Status: error). */
  platformError: boolean;
}

/** What a synchronous caller of the Invoke API gets for a verdict. */
export function invokeResponse(v: Verdict): InvocationRecord['response'] {
  return { payload: v.payload, contentType: v.contentType, functionError: v.outcome === 'success' ? undefined : 'Unhandled' };
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

export function fromRace(raced: Raced, id: string, timeoutMs: number): Verdict {
  if (raced.tag === 'timeout') return timedOut(id, timeoutMs);
  if (raced.tag === 'exit') {
    const body = platformError(exitErrorType(raced.e), id, exitMessage(raced.e.code, raced.e.signal));
    return { outcome: 'runtime-exit', payload: json(body), contentType: 'application/json', errorType: body.errorType, platformError: true };
  }
  const r = raced.r;
  if (r.kind === 'response') return { outcome: 'success', payload: r.payload, contentType: r.contentType ?? 'application/json', errorType: undefined, platformError: false };
  if (r.kind === 'too-large') {
    const body = responseTooLargeError(r.size);
    return { outcome: 'response-too-large', payload: json(body), contentType: 'application/json', errorType: body.errorType, platformError: true };
  }
  return {
    outcome: 'function-error',
    payload: r.payload,
    contentType: r.contentType ?? 'application/json',
    errorType: bodyErrorType(r.payload) ?? r.errorTypeHeader ?? PlatformErrorType.Unknown,
    platformError: false,
  };
}

export function fromInit(a: InitAttempt, id: string, timeoutMs: number): Verdict {
  if (a.kind === 'init-error') {
    // RAPID answers the invoke with the body the runtime posted to /init/error (SPEC.md §1.6, §3.4).
    const errorType = bodyErrorType(a.report.payload) ?? a.report.errorTypeHeader ?? PlatformErrorType.Unknown;
    const payload = a.report.payload.length ? a.report.payload : json(platformError(errorType, id, 'init error'));
    const contentType = bodyErrorType(payload) !== undefined ? 'application/json' : 'application/octet-stream';
    return { outcome: 'init-error', payload, contentType, errorType, platformError: true };
  }
  if (a.kind === 'exit') {
    const body = platformError(exitErrorType(a.exit), id, exitMessage(a.exit.code, a.exit.signal));
    return { outcome: 'runtime-exit', payload: json(body), contentType: 'application/json', errorType: body.errorType, platformError: true };
  }
  if (a.kind === 'timeout') return timedOut(id, timeoutMs);
  throw new Error('internal: a ready init is not a failure');
}

function timedOut(id: string, timeoutMs: number): Verdict {
  const body = platformError(PlatformErrorType.Timedout, id, timeoutMessage(timeoutMs));
  return { outcome: 'timeout', payload: json(body), contentType: 'application/json', errorType: body.errorType, platformError: true };
}

function bodyErrorType(payload: Buffer): string | undefined {
  try {
    const v: unknown = JSON.parse(payload.toString('utf8'));
    if (v && typeof v === 'object' && typeof (v as { errorType?: unknown }).errorType === 'string') return (v as { errorType: string }).errorType;
  } catch {
    // not JSON
  }
  return undefined;
}

export function initErrorType(a: InitAttempt): string | undefined {
  if (a.kind === 'init-error') return bodyErrorType(a.report.payload) ?? a.report.errorTypeHeader ?? PlatformErrorType.Unknown;
  if (a.kind === 'exit') return exitErrorType(a.exit);
  return undefined;
}

/**
 * A runtime killed at the memory limit is Runtime.OutOfMemory, with the same `signal: killed`
 * message; REPORT shows Memory Size and Max Memory Used beside it, as Lambda does.
 */
function exitErrorType(e: ExitInfo): string {
  return e.oomKilled ? PlatformErrorType.OutOfMemory : PlatformErrorType.ExitError;
}
