/**
 * InvokeWithResponseStream, `POST /2021-11-15/functions/{name}/response-streaming-invocations`:
 * the answer is an event stream of PayloadChunk events, each sent as the runtime's bytes arrive,
 * then one InvokeComplete with ErrorCode, ErrorDetails and LogResult.
 * https://docs.aws.amazon.com/lambda/latest/api/API_InvokeWithResponseStream.html
 *
 * A failure reaches the caller as the emulator's RAPID core passes it on (error type and body in the
 * trailers of its streamed answer, internal/lambda/core/directinvoke/directinvoke.go at 4fa21571):
 * here in InvokeComplete, ErrorCode the error type and ErrorDetails the error body. A runtime that
 * did not stream (a buffered /response) arrives as one PayloadChunk.
 */
import { randomUUID } from 'node:crypto';
import type { BodyResult, Http1ChunkedBody, Http1Request, Http1Response } from '../../api/http1/types.ts';
import { checkInvokeRequest, logTail } from '../invoke-request.ts';
import type { EnvironmentPool } from '../pool.ts';
import type { InvocationRecord, InvokeOptions } from '../types.ts';
import { type InvokeComplete, invokeCompleteEvent, payloadChunks } from './event-stream.ts';

export const STREAM_INVOKE_PATH = /^\/2021-11-15\/functions\/([^/]+)\/response-streaming-invocations$/;
const EVENT_STREAM = 'application/vnd.amazon.eventstream';

export async function answerStreamingInvocation(
  req: Http1Request,
  res: Http1Response,
  body: BodyResult,
  pool: EnvironmentPool,
  onInvocation?: (record: InvocationRecord) => void,
): Promise<void> {
  const checked = checkInvokeRequest(req, body);
  if (checked.kind === 'drop') return void res.destroy();
  if (checked.kind === 'refused') return sendError(res, checked.status, checked.type, checked.message);
  const { event, clientContext, tenantId, invocationType } = checked;
  if (invocationType === 'DryRun') return res.send(204, [], '');
  if (invocationType !== 'RequestResponse') {
    return sendError(res, 400, 'InvalidParameterValueException', `X-Amz-Invocation-Type must be RequestResponse or DryRun, not ${invocationType}`);
  }
  const requestId = randomUUID();
  const relay = new EventRelay(res, requestId);
  const opts: InvokeOptions = {
    event,
    contentType: req.headers['content-type'] ?? 'application/json',
    clientContext,
    tenantId,
    traceId: req.headers['x-amzn-trace-id'],
    requestId,
    responseStream: { callerStreams: true, onChunk: (piece) => relay.chunk(piece) },
  };
  const record = await pool.invoke(opts);
  onInvocation?.(record);
  relay.complete(record, req.headers['x-amz-log-type'] === 'Tail' ? logTail(record) : undefined);
}

/** Writes events as they come; the HTTP answer starts with the first. */
class EventRelay {
  #res: Http1Response;
  #requestId: string;
  #out: Http1ChunkedBody | undefined;
  #streamed = false;

  constructor(res: Http1Response, requestId: string) {
    this.#res = res;
    this.#requestId = requestId;
  }

  #body(): Http1ChunkedBody {
    this.#out ??= this.#res.startChunked(200, ['Content-Type', EVENT_STREAM, 'X-Amz-Executed-Version', '$LATEST', 'X-Amzn-RequestId', this.#requestId]);
    return this.#out;
  }

  chunk(piece: Buffer): void {
    this.#streamed = true;
    const out = this.#body();
    for (const event of payloadChunks(piece)) out.write(event);
  }

  complete(record: InvocationRecord, logResult: string | undefined): void {
    const out = this.#body();
    const complete: InvokeComplete = {};
    if (record.outcome === 'success') {
      if (!this.#streamed && record.response.payload.length > 0) for (const event of payloadChunks(record.response.payload)) out.write(event);
    } else {
      complete.ErrorCode = record.errorType ?? 'Unhandled';
      complete.ErrorDetails = record.response.payload.toString('utf8');
    }
    if (logResult !== undefined) complete.LogResult = logResult;
    out.write(invokeCompleteEvent(complete));
    out.end();
  }
}

/**
 * A failure known before any runtime ran (the control plane found no bootstrap): one InvokeComplete,
 * as a streaming caller gets every function error.
 */
export function answerStreamingFailure(res: Http1Response, requestId: string, errorCode: string, errorDetails: string): void {
  const out = res.startChunked(200, ['Content-Type', EVENT_STREAM, 'X-Amz-Executed-Version', '$LATEST', 'X-Amzn-RequestId', requestId]);
  out.write(invokeCompleteEvent({ ErrorCode: errorCode, ErrorDetails: errorDetails }));
  out.end();
}

function sendError(res: Http1Response, status: number, type: string, message: string): void {
  res.send(status, ['Content-Type', 'application/json', 'X-Amzn-ErrorType', type], JSON.stringify({ Type: 'User', message }));
}
