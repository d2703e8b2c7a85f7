/**
 * The emulator-compatible endpoint's answer when the runtime streams: the emulator's RAPID core
 * copies a streaming runtime's body to a buffered caller as it arrives (chunked, within the 6 MB
 * limit) and sets the error type and body as HTTP trailers at the end (sendPayloadLimitedResponse in
 * internal/lambda/core/directinvoke/directinvoke.go, aws-lambda-runtime-interface-emulator at 4fa21571).
 */
import type { Http1ChunkedBody, Http1Response } from '../../api/http1/types.ts';
import type { ResponseStreamOptions, StreamedBody } from '../../api/types.ts';
import type { InvocationRecord } from '../types.ts';

const ERROR_TYPE = 'Lambda-Runtime-Function-Error-Type';
const ERROR_BODY = 'Lambda-Runtime-Function-Error-Body';

export class RieStreamRelay {
  readonly options: Partial<ResponseStreamOptions>;
  #res: Http1Response;
  #out: Http1ChunkedBody | undefined;

  constructor(res: Http1Response) {
    this.#res = res;
    this.options = {
      callerStreams: false,
      onStart: (headers) => this.#start(headers),
      onChunk: (piece) => this.#out?.write(piece),
      onEnd: (stream) => this.#end(stream),
    };
  }

  #start(headers: Record<string, string>): void {
    const contentType = headers['content-type'] ?? 'application/octet-stream';
    this.#out = this.#res.startChunked(200, ['Content-Type', contentType, 'X-Amz-Executed-Version', '$LATEST'], [ERROR_TYPE, ERROR_BODY]);
  }

  #end(stream: StreamedBody): void {
    // A stream cut short (the runtime timed out or died) ends with the invocation's own error.
    if (stream.end === 'truncated') return;
    let errorType = stream.error?.errorType ?? '';
    if (stream.end === 'oversized') errorType = 'Function.ResponseSizeTooLarge';
    const trailers = errorType === '' ? [] : [ERROR_TYPE, errorType, ERROR_BODY, stream.error?.rawBody ?? ''];
    this.#out?.end(trailers);
  }

  /** The invocation is over: a relay still open ends with its error (Sandbox.Timedout, Runtime.ExitError, …). */
  complete(record: InvocationRecord): void {
    if (record.outcome === 'success') return this.#out?.end([]);
    const body = Buffer.from(record.response.payload).toString('base64');
    this.#out?.end([ERROR_TYPE, record.errorType ?? 'Runtime.Unknown', ERROR_BODY, body]);
  }
}
