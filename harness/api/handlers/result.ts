import { now } from '../../clock.ts';
import {
  MAX_PAYLOAD_SIZE,
  PlatformErrorType,
  internalServerError,
  invalidFunctionResponseMode,
  invalidRequestId,
  invalidStateTransition,
  requestEntityTooLarge,
  truncatedRequest,
} from '../errors.ts';
import { ACCEPTED } from '../exchange.ts';
import type { BodyResult } from '../http1/types.ts';
import type { RuntimeApiState, RuntimeExchange, RuntimeResult } from '../types.ts';
import { stripErrorCause } from './error-cause.ts';
import { handleStreamedResult, readsAsStream } from './stream-result.ts';

const ERROR_CAUSE_JSON = 'application/vnd.aws.lambda.error.cause+json';

/**
 * POST /runtime/invocation/{id}/response and /error. Checks in RAPID's order: request id (400),
 * state (403), response mode (400), size (413).
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html#runtimes-api-response
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html#runtimes-api-invokeerror
 */
export function handleResult(api: RuntimeApiState, ex: RuntimeExchange, kind: 'response' | 'error', requestId: string): void {
  // RAPID checks the id before it reads the body: the 400 goes out at once (the transport then drops
  // a large unread body with the connection, as Go does).
  if (api.delivered(requestId) === undefined) return ex.sendJson(400, invalidRequestId());
  if (kind === 'response' && readsAsStream(api, ex) && handleStreamedResult(api, ex, requestId)) return;
  const generation = api.generation;
  ex.req.onBody(MAX_PAYLOAD_SIZE, (body) => finishResult(api, ex, kind, requestId, generation, body));
}

/** The result's body has been read (or was cut short, or was too large). */
function finishResult(api: RuntimeApiState, ex: RuntimeExchange, kind: 'response' | 'error', requestId: string, generation: number, body: BodyResult): void {
  ex.noteRequestBody(body.kind === 'ok' ? body.body : undefined, body.size);
  // The environment was reset while the body was being read: the process that sent it is gone.
  if (generation !== api.generation) {
    ex.res.destroy();
    return;
  }

  // Killed by a reset while it sent (a stand-in for a process can still finish): RAPID no longer
  // knows the id, and closes.
  if (api.runtimeGone) return ex.sendJson(400, invalidRequestId(), true);
  if (api.takeFault(kind)) return ex.sendJson(500, internalServerError());
  const inflight = api.delivered(requestId);
  if (!inflight) return ex.sendJson(400, invalidRequestId());
  // Lambda-Runtime-Invocation-Id: no echo → no check; a wrong echo is refused.
  const echoed = ex.req.headers['lambda-runtime-invocation-id'];
  if (echoed !== undefined && inflight.request.invocationId !== null && echoed !== inflight.request.invocationId) {
    return ex.sendJson(400, invalidRequestId());
  }

  const target = kind === 'response' ? 'InvocationResponse' : 'InvocationErrorResponse';
  const t = api.transition(target);
  if (!t.ok) return ex.sendJson(403, invalidStateTransition(t.from, target));

  const at = now();
  const contentType = ex.req.headers['content-type'];
  const mode = ex.req.headers['lambda-runtime-function-response-mode'];
  // The answer is written before the invoker hears of the result (no closures: this runs per invoke).
  let result: RuntimeResult;
  let status = 202;
  let answer: unknown = ACCEPTED;
  if (kind === 'response' && mode !== undefined && mode !== 'streaming') {
    result = platformResult(PlatformErrorType.InvalidResponseModeHeader, at);
    status = 400;
    answer = invalidFunctionResponseMode();
  } else if (body.kind === 'too-large') {
    result = { kind: 'too-large', size: body.size, at };
    status = 413;
    answer = requestEntityTooLarge();
  } else if (body.kind === 'truncated') {
    result = platformResult(PlatformErrorType.TruncatedResponse, at);
    status = 400;
    answer = truncatedRequest();
  } else if (kind === 'response') {
    result = { kind: 'response', payload: body.body, contentType, headers: ex.req.headers, at };
  } else {
    const payload = contentType?.startsWith(ERROR_CAUSE_JSON) ? stripErrorCause(body.body) : body.body;
    result = {
      kind: 'error',
      payload,
      contentType: contentType?.startsWith(ERROR_CAUSE_JSON) ? 'application/json' : contentType,
      errorTypeHeader: ex.req.headers['lambda-runtime-function-error-type'],
      xrayCause: ex.req.headers['lambda-runtime-function-xray-error-cause'],
      headers: ex.req.headers,
      at,
    };
  }
  api.responseSent();
  ex.sendJson(status, answer);
  api.settle(inflight, result);
}

/** A platform-made error for the caller; the runtime's own body did not make it through. */
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
