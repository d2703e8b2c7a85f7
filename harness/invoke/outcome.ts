/**
 * How an invocation ended, as the platform reports it: the outcome, the body and errorType a caller
 * of the Invoke API gets, and whether the platform (not the function) made the error.
 */
import { exitMessage, platformError, PlatformErrorType, responseTooLargeError, timeoutMessage } from '../api/errors.ts';
import type { RuntimeResult, StreamedBody } from '../api/types.ts';
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
  if (r.kind === 'response' && r.stream !== undefined && (r.stream.end !== 'complete' || r.stream.error !== undefined)) return streamFailure(r.stream);
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

/**
 * A streamed response that failed after its first byte: cut at the size limit, cut short, or ended
 * with error trailers. The caller already has the bytes; the error comes at the end, as Lambda's
 * InvokeComplete event or the emulator's trailers carry it.
 */
function streamFailure(s: StreamedBody): Verdict {
  if (s.end === 'oversized') {
    const body = responseTooLargeError(undefined);
    return { outcome: 'response-too-large', payload: json(body), contentType: 'application/json', errorType: body.errorType, platformError: true };
  }
  if (s.end === 'truncated') {
    const errorType = PlatformErrorType.TruncatedResponse;
    return { outcome: 'function-error', payload: json({ errorType, errorMessage: '' }), contentType: 'application/json', errorType, platformError: true };
  }
  const errorType = s.error?.errorType ?? PlatformErrorType.Unknown;
  const details = s.error?.body.kind === 'json' ? s.error.body.value : { errorType, errorMessage: '' };
  return { outcome: 'function-error', payload: json(details), contentType: 'application/json', errorType, platformError: false };
}

export function fromInit(a: InitAttempt, id: string, timeoutMs: number): Verdict {
  if (a.kind === 'init-error') {
    // RAPID answers the invoke with the body the runtime posted to /init/error (docs/requirements.md#init).
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
