/**
 * POST /runtime/invocation/{id}/response read as a stream: piece by piece as the runtime writes it,
 * each arrival timed, passed on at once to a streaming caller, within the size limit and the
 * bandwidth rule; the error trailers and the HTTP-integration prelude are read on the way.
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-custom.html#runtimes-custom-response-streaming
 *
 * Which results stream follows the emulator's RAPID core: the caller's invoke mode decides, not the
 * runtime's header (aws-lambda-go declares the trailers but never sends the mode header, and its
 * streamed body reaches a streaming caller whole, trailers included); a runtime that does send
 * `streaming` to a buffered invoke is read to the 6 MB limit and its trailers still count.
 * internal/lambda/core/directinvoke/directinvoke.go (SendDirectInvokeResponse,
 * sendPayloadLimitedResponse) in github.com/aws/aws-lambda-runtime-interface-emulator at 4fa21571.
 */
import { createHash, type Hash } from 'node:crypto';
import { now } from '../../clock.ts';
import { MAX_PAYLOAD_SIZE, internalServerError, requestEntityTooLarge, truncatedRequest } from '../errors.ts';
import { ACCEPTED } from '../exchange.ts';
import type { BodyStreamSink } from '../http1/types.ts';
import { BandwidthShaper } from '../stream/bandwidth.ts';
import { PreludeScanner, isHttpIntegration } from '../stream/prelude.ts';
import { declaredTrailers, readErrorTrailers } from '../stream/trailers.ts';
import type { InflightInvocation, ResponseStreamOptions, RuntimeApiState, RuntimeExchange, StreamArrival, StreamedBody } from '../types.ts';

const STREAMING = 'streaming';
/** A streaming runtime's result for a buffered caller: the synchronous limit, read unshaped. */
const BUFFERED_CALLER: ResponseStreamOptions = Object.freeze({ callerStreams: false, maxBytes: MAX_PAYLOAD_SIZE, bandwidth: null, keepBytes: MAX_PAYLOAD_SIZE });
/** Pieces arriving closer together than this are one arrival (one socket read holds several chunks). */
const SAME_ARRIVAL_MS = 1;

/** True when this /response is read as a stream: the runtime says so, or the caller streams. */
export function readsAsStream(api: RuntimeApiState, ex: RuntimeExchange): boolean {
  const mode = ex.req.headers['lambda-runtime-function-response-mode'];
  if (mode === undefined) return api.streamingInvoke;
  return mode === STREAMING; // any other value is refused with 400 by the buffered path
}

/**
 * Takes the result as a stream when the checks that need no body pass (request id, echo, state);
 * false leaves it to the buffered path, which reads the body and answers those errors in RAPID's order.
 */
export function handleStreamedResult(api: RuntimeApiState, ex: RuntimeExchange, requestId: string): boolean {
  const inflight = api.delivered(requestId);
  if (!inflight) return false;
  const echoed = ex.req.headers['lambda-runtime-invocation-id'];
  if (echoed !== undefined && inflight.request.invocationId !== null && echoed !== inflight.request.invocationId) return false;
  if (api.takeFault('response')) {
    ex.sendJson(500, internalServerError(), true);
    return true;
  }
  if (!api.transition('InvocationResponse').ok) return false;
  const options: ResponseStreamOptions = inflight.request.stream ?? BUFFERED_CALLER;
  options.onStart?.(ex.req.headers);
  ex.req.onStream(new StreamedResultSink(api, ex, inflight, options));
  return true;
}

class StreamedResultSink implements BodyStreamSink {
  #api: RuntimeApiState;
  #ex: RuntimeExchange;
  #inflight: InflightInvocation;
  #options: ResponseStreamOptions;
  #generation: number;
  #hash: Hash = createHash('sha256');
  #kept: Buffer[] = [];
  #keptBytes = 0;
  #size = 0;
  #arrivals: StreamArrival[] = [];
  #prelude: PreludeScanner | undefined;
  #shaper: BandwidthShaper | undefined;
  #shapedMs = 0;
  #holdStart: number | undefined;
  #heldUntil: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #pendingEnd: Record<string, string> | undefined;
  #settled = false;

  constructor(api: RuntimeApiState, ex: RuntimeExchange, inflight: InflightInvocation, options: ResponseStreamOptions) {
    this.#api = api;
    this.#ex = ex;
    this.#inflight = inflight;
    this.#options = options;
    this.#generation = api.generation;
    if (isHttpIntegration(ex.req.headers['content-type'])) this.#prelude = new PreludeScanner();
    if (options.bandwidth !== null) this.#shaper = new BandwidthShaper(options.bandwidth);
  }

  data(piece: Buffer): void {
    if (this.#settled || piece.length === 0) return;
    const at = now();
    const room = this.#options.maxBytes - this.#size;
    if (piece.length > room) {
      if (room > 0) this.#accept(piece.subarray(0, room), at);
      this.#finish('oversized', {});
      return;
    }
    this.#accept(piece, at);
    const wait = this.#shaper?.take(piece.length, at) ?? 0;
    if (wait > 0) this.#holdUntil(at + wait, at);
  }

  end(trailers: Record<string, string>): void {
    // Bytes read in one socket read still owe their time: the end waits for it.
    if (this.#heldUntil !== undefined) this.#pendingEnd = trailers;
    else this.#finish('complete', trailers);
  }

  /** Stops reading until `until` (the bandwidth rule), extending a hold already running. */
  #holdUntil(until: number, at: number): void {
    if (this.#heldUntil !== undefined && until <= this.#heldUntil) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#holdStart ??= at;
    this.#heldUntil = until;
    this.#ex.req.pause();
    this.#timer = setTimeout(() => this.#release(), until - at);
  }

  #release(): void {
    this.#shapedMs += now() - (this.#holdStart ?? now());
    this.#holdStart = undefined;
    this.#heldUntil = undefined;
    this.#timer = undefined;
    const ending = this.#pendingEnd;
    if (ending !== undefined) return this.#finish('complete', ending);
    this.#ex.req.resume();
  }

  fail(): void {
    this.#finish('truncated', {});
  }

  #accept(piece: Buffer, at: number): void {
    this.#size += piece.length;
    this.#hash.update(piece);
    const last = this.#arrivals[this.#arrivals.length - 1];
    if (last !== undefined && at - last.at < SAME_ARRIVAL_MS) last.bytes += piece.length;
    else this.#arrivals.push({ at, bytes: piece.length });
    const room = this.#options.keepBytes - this.#keptBytes;
    if (room > 0) {
      const kept = piece.length > room ? piece.subarray(0, room) : piece;
      // The transport reuses nothing, but a copy keeps a large socket buffer from being pinned.
      this.#kept.push(Buffer.from(kept));
      this.#keptBytes += kept.length;
    }
    this.#prelude?.push(piece);
    this.#options.onChunk?.(piece, at);
  }

  #finish(end: StreamedBody['end'], trailers: Record<string, string>): void {
    if (this.#settled) return;
    this.#settled = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const api = this.#api;
    const ex = this.#ex;
    const payload = Buffer.concat(this.#kept, this.#keptBytes);
    this.#kept = [];
    ex.noteRequestBody(payload, this.#size);
    // The environment was reset while the body was being read: the process that sent it is gone.
    if (this.#generation !== api.generation) {
      ex.res.destroy();
      return;
    }
    const headers = ex.req.headers;
    const stream: StreamedBody = {
      mode: headers['lambda-runtime-function-response-mode'],
      transferEncoding: headers['transfer-encoding'],
      declaredTrailers: declaredTrailers(headers.trailer),
      arrivals: this.#arrivals,
      size: this.#size,
      sha256: this.#hash.digest('hex'),
      wholePayloadKept: this.#keptBytes === this.#size,
      end,
      trailers,
      error: readErrorTrailers(trailers),
      prelude: this.#prelude?.finish(),
      shapedMs: this.#shapedMs,
    };
    this.#options.onEnd?.(stream);
    api.responseSent();
    if (end === 'complete') ex.sendJson(202, ACCEPTED);
    else if (end === 'oversized') ex.sendJson(413, requestEntityTooLarge(), true);
    else ex.sendJson(400, truncatedRequest());
    api.settle(this.#inflight, { kind: 'response', payload, contentType: headers['content-type'], headers, at: now(), stream });
  }
}
