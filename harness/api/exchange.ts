import type { Http1Request, Http1Response } from './http1/types.ts';
import { excerpt, type ExchangeLog } from './recorder.ts';
import type { RuntimeExchange, StateProbe } from './types.ts';

/** RAPID's answer to an accepted result or init error. */
export const ACCEPTED = Object.freeze({ status: 'OK' });
const ACCEPTED_JSON = `${JSON.stringify(ACCEPTED)}\n`;

/**
 * One request/answer pair: writes the answer and, when recording is on, leaves an ExchangeRecord
 * behind once the answer is written or the client has gone.
 */
export class Exchange implements RuntimeExchange {
  readonly req: Http1Request;
  readonly res: Http1Response;
  readonly route: string;
  #log: ExchangeLog;
  #probe: StateProbe;
  #seq = 0;
  #startedAt = 0;
  #stateBefore = '';
  #requestId: string | undefined;
  #reqBody: Buffer | undefined;
  #reqBodySize = 0;
  #resBody: Buffer | string | undefined;
  #resHeaders: Record<string, string> | undefined;

  constructor(log: ExchangeLog, probe: StateProbe, req: Http1Request, res: Http1Response, route: string) {
    this.req = req;
    this.res = res;
    this.route = route;
    this.#log = log;
    this.#probe = probe;
    if (!log.enabled) return;
    this.#seq = log.nextSeq();
    this.#startedAt = Date.now();
    this.#stateBefore = probe.state;
    this.#requestId = probe.currentRequestId;
    // An answered exchange is recorded as it is answered; one the client abandoned, when it closes.
    res.onAbandoned(() => this.#record());
  }

  noteRequestBody(body: Buffer | undefined, size: number): void {
    this.#reqBody = body;
    this.#reqBodySize = size;
  }

  /** Writes status, headers (name/value pairs, case kept as given) and body. */
  send(status: number, headers: string[], body: Buffer | string, thenClose = false): void {
    if (this.res.answered || this.res.closed) return;
    // Dated before the write: a runtime that reads the answer may act on it before this thread runs
    // again (a check that something happened "after the answer" must not see the answer late).
    const answeredAt = this.#log.enabled ? Date.now() : 0;
    if (thenClose) this.res.sendAndClose(status, headers, body);
    else this.res.send(status, headers, body);
    if (this.#log.enabled) {
      const recorded: Record<string, string> = {};
      this.#resHeaders = recorded;
      for (let i = 0; i < headers.length; i += 2) recorded[(headers[i] as string).toLowerCase()] = headers[i + 1] as string;
      recorded['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.length);
      this.#resBody = body;
      // A delivered event belongs to the invocation it delivers, whatever was in flight on arrival.
      this.#requestId = this.#probe.currentRequestId ?? this.#requestId;
      this.#record(answeredAt);
    }
  }

  /** RAPID's JSON bodies end with a newline (Go's json.Encoder). */
  sendJson(status: number, value: unknown, thenClose = false): void {
    // The 202 body goes out on every invoke: rendered once.
    this.send(status, ['Content-Type', 'application/json'], value === ACCEPTED ? ACCEPTED_JSON : `${JSON.stringify(value)}\n`, thenClose);
  }

  #record(endedAt = Date.now()): void {
    const log = this.#log;
    log.add({
      seq: this.#seq,
      method: this.req.method,
      path: this.req.url,
      route: this.route,
      status: this.res.statusCode,
      requestHeaders: this.req.headers,
      responseHeaders: this.#resHeaders ?? {},
      requestBodyBytes: this.#reqBodySize,
      requestBodyExcerpt: excerpt(this.#reqBody, log.excerptBytes),
      responseBodyBytes: this.#resBody === undefined ? 0 : Buffer.byteLength(this.#resBody),
      responseBodyExcerpt: excerpt(this.#resBody, log.excerptBytes),
      startedAt: this.#startedAt,
      endedAt,
      requestId: this.#requestId,
      clientAborted: !this.res.answered,
      stateBefore: this.#stateBefore,
      stateAfter: this.#probe.state,
      generation: this.#probe.generation,
    });
  }
}
