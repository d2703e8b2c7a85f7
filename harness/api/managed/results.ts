/**
 * Results and init errors in a managed-instances environment: the classic checks (response mode,
 * size, the invocation-id echo), with /error and /init/error bodies capped at 1 MiB as the
 * managed-instances RAPID caps them (413 beyond). A streamed response is read whole, to the buffered
 * limit: streaming is not modelled in this mode beyond its error trailers.
 * https://github.com/aws/aws-lambda-runtime-interface-emulator/blob/4fa21571526087e3a0076b9fecf67a79e3927994/internal/lambda-managed-instances/rapi/router.go
 * https://github.com/aws/aws-lambda-runtime-interface-emulator/blob/4fa21571526087e3a0076b9fecf67a79e3927994/internal/lambda-managed-instances/rapi/server.go
 */
import { createHash } from 'node:crypto';
import { now } from '../../clock.ts';
import {
  PlatformErrorType,
  internalServerError,
  invalidFunctionResponseMode,
  invalidRequestId,
  invalidStateTransition,
  requestEntityTooLarge,
  truncatedRequest,
} from '../errors.ts';
import { ACCEPTED } from '../exchange.ts';
import { stripErrorCause } from '../handlers/error-cause.ts';
import { declaredTrailers, readErrorTrailers } from '../stream/trailers.ts';
import type { BodyResult } from '../http1/types.ts';
import type { RuntimeApiState, RuntimeExchange, RuntimeResult, StreamErrorTrailer, StreamedBody } from '../types.ts';
import type { Inflight } from '../invocation.ts';

/** `requestBodyLimitBytes` of the managed-instances RAPID. */
export const MANAGED_ERROR_BODY_LIMIT = 1024 * 1024;

const ERROR_CAUSE_JSON = 'application/vnd.aws.lambda.error.cause+json';

/** Answers the post and returns the invocation's result, or undefined when the post is refused and the invocation stays open. */
export function finishManagedResult(ex: RuntimeExchange, kind: 'response' | 'error', inv: Inflight, body: BodyResult): RuntimeResult | undefined {
  const echoed = ex.req.headers['lambda-runtime-invocation-id'];
  if (echoed !== undefined && inv.request.invocationId !== null && echoed !== inv.request.invocationId) {
    ex.sendJson(400, invalidRequestId());
    return undefined;
  }
  const at = now();
  const h = ex.req.headers;
  const contentType = h['content-type'];
  const mode = h['lambda-runtime-function-response-mode'];
  if (kind === 'response' && mode !== undefined && mode !== 'streaming') {
    ex.sendJson(400, invalidFunctionResponseMode());
    return platformResult(PlatformErrorType.InvalidResponseModeHeader, at);
  }
  if (body.kind === 'too-large') {
    ex.sendJson(413, requestEntityTooLarge());
    return { kind: 'too-large', size: body.size, at };
  }
  if (body.kind === 'truncated') {
    ex.sendJson(400, truncatedRequest());
    return platformResult(PlatformErrorType.TruncatedResponse, at);
  }
  ex.sendJson(202, ACCEPTED);
  if (kind === 'response') {
    // A streamed response is read whole here (no incremental arrival in this mode). A failure in its
    // error trailers is kept as a streamed body's, so the invocation's verdict is made as in the
    // classic mode (outcome.ts streamFailure), not read as an empty success.
    const error = readErrorTrailers(body.trailers);
    const stream = error === undefined ? {} : { stream: wholeStream(h, body.body, body.trailers, error, at) };
    return { kind: 'response', payload: body.body, contentType, headers: h, at, ...stream };
  }
  const cause = contentType?.startsWith(ERROR_CAUSE_JSON) === true;
  return {
    kind: 'error',
    payload: cause ? stripErrorCause(body.body) : body.body,
    contentType: cause ? 'application/json' : contentType,
    errorTypeHeader: h['lambda-runtime-function-error-type'],
    xrayCause: h['lambda-runtime-function-xray-error-cause'],
    headers: h,
    at,
  };
}

/** POST /init/error: the first one ends init; a later one (another worker's) gets 403; over 1 MiB, 413 and nothing changes. */
export async function readManagedInitError(api: RuntimeApiState, ex: RuntimeExchange): Promise<void> {
  const generation = api.generation;
  const body = await ex.req.readBody(MANAGED_ERROR_BODY_LIMIT);
  ex.noteRequestBody(body.kind === 'ok' ? body.body : undefined, body.size);
  if (generation !== api.generation) return ex.res.destroy();
  if (api.takeFault('init-error')) return ex.sendJson(500, internalServerError());
  if (body.kind === 'too-large') return ex.sendJson(413, requestEntityTooLarge());
  const t = api.transition('InitError');
  if (!t.ok) return ex.sendJson(403, invalidStateTransition(t.from, 'InitError'));
  ex.sendJson(202, ACCEPTED);
  api.endInit({
    kind: 'init-error',
    report: {
      payload: body.kind === 'ok' ? body.body : Buffer.alloc(0),
      contentType: ex.req.headers['content-type'],
      errorTypeHeader: ex.req.headers['lambda-runtime-function-error-type'],
      at: now(),
    },
  });
}

/** A streamed body read in one piece, with its trailers. */
function wholeStream(h: Record<string, string>, payload: Buffer, trailers: Record<string, string>, error: StreamErrorTrailer, at: number): StreamedBody {
  return {
    mode: h['lambda-runtime-function-response-mode'],
    transferEncoding: h['transfer-encoding'],
    declaredTrailers: declaredTrailers(h.trailer),
    arrivals: payload.length ? [{ at, bytes: payload.length }] : [],
    size: payload.length,
    sha256: createHash('sha256').update(payload).digest('hex'),
    wholePayloadKept: true,
    end: 'complete',
    trailers,
    error,
    prelude: undefined,
    shapedMs: 0,
  };
}

function platformResult(errorType: string, at: number): RuntimeResult {
  return {
    kind: 'error',
    payload: Buffer.from(JSON.stringify({ errorType, errorMessage: '' })),
    contentType: 'application/json',
    errorTypeHeader: errorType,
    xrayCause: undefined,
    headers: {},
    at,
  };
}
