/**
 * One client connection of the mock: reads requests one at a time (a pipelined request waits until
 * the one before it is answered), hands each to the listener, writes its answer, keeps the connection
 * alive as HTTP/1.1 does. The mock sits on every invoke's path, so the hot path is a few string
 * operations and one write per answer (node:http costs ~13 µs more per invoke; bench/README.md).
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { type BodyDecoder, type BodySink, BoundedSink, ChunkedDecoder, LengthDecoder, discardSink, emptyBody } from './body.ts';
import { parseHead } from './head.ts';
import type { BodyResult, Http1Request, Http1Response, RequestHead, RequestListener } from './types.ts';

/** Go's http.DefaultMaxHeaderBytes (1 MB) plus its 4 KB slack: what RAPID accepts. */
export const MAX_HEAD_BYTES = (1 << 20) + 4096;
const HEAD_END = Buffer.from('\r\n\r\n');
const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';
const ASCII = /^[\x00-\x7f]*$/;
/** Bodies up to this size are written with their head as one latin1 string. */
const SMALL_BODY = 8192;

let dateValue = '';
/** The Date header, rendered once per second as Go and Node do (a timer drops it; no clock read per answer). */
function httpDate(): string {
  if (dateValue === '') {
    const ms = Date.now();
    dateValue = new Date(ms).toUTCString();
    setTimeout(clearDate, 1000 - (ms % 1000)).unref();
  }
  return dateValue;
}
function clearDate(): void {
  dateValue = '';
}

/** The last string body found to be ASCII: the 202 body is the same string on every invoke. */
let asciiBody = '';
function isAscii(body: string): boolean {
  if (body === asciiBody) return true;
  if (!ASCII.test(body)) return false;
  asciiBody = body;
  return true;
}

class Request implements Http1Request {
  readonly method: string;
  readonly url: string;
  readonly httpVersion: '1.0' | '1.1';
  readonly headers: Record<string, string>;
  sink: BodySink | undefined;
  /** The Content-Length, when the body has one. */
  contentLength: number | undefined;

  constructor(head: RequestHead) {
    this.method = head.method;
    this.url = head.url;
    this.httpVersion = head.httpVersion;
    this.headers = head.headers;
  }

  readBody(limit: number): Promise<BodyResult> {
    return new Promise((resolve) => this.onBody(limit, resolve));
  }

  onBody(limit: number, done: (body: BodyResult) => void): void {
    if (this.sink) throw new Error('internal: a request body can be read once, in the request callback');
    this.sink = new BoundedSink(limit, this.contentLength, done);
  }
}

class Response implements Http1Response {
  statusCode = 0;
  answered = false;
  #conn: Connection;
  #headOnly: boolean;
  #abandoned: (() => void)[] | undefined;

  constructor(conn: Connection, headOnly: boolean) {
    this.#conn = conn;
    this.#headOnly = headOnly;
  }

  get closed(): boolean {
    return this.#conn.closed;
  }

  send(status: number, headers: readonly string[], body: Buffer | string): void {
    if (this.answered || this.#conn.closed) return;
    this.answered = true;
    this.statusCode = status;
    this.#abandoned = undefined;
    let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
    for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    head += `Date: ${httpDate()}\r\nContent-Length: ${length}\r\n`;
    this.#conn.answer(this, head, this.#headOnly || length === 0 ? undefined : body);
  }

  destroy(): void {
    this.#conn.destroy();
  }

  onAbandoned(callback: () => void): void {
    if (this.answered) return;
    if (this.#abandoned === undefined) this.#abandoned = [callback];
    else this.#abandoned.push(callback);
  }

  abandon(): void {
    const callbacks = this.#abandoned;
    this.#abandoned = undefined;
    if (!this.answered && callbacks !== undefined) for (const cb of callbacks) cb();
  }
}

export class Connection {
  closed = false;
  #socket: Socket;
  #listener: RequestListener;
  #buf: Buffer | undefined;
  /** Reading a head, reading a body, or waiting for the answer before reading the next request. */
  #phase: 'head' | 'body' | 'wait' = 'head';
  #decoder: BodyDecoder = emptyBody;
  #sink: BodySink = discardSink;
  #response: Response | undefined;
  #keepAlive = true;
  #driving = false;

  constructor(socket: Socket, listener: RequestListener) {
    this.#socket = socket;
    this.#listener = listener;
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => {
      this.#buf = this.#buf === undefined || this.#buf.length === 0 ? d : Buffer.concat([this.#buf, d]);
      // Pipelined bytes wait for the answer before them; past a head's worth, stop reading.
      if (this.#phase === 'wait' && this.#buf.length > MAX_HEAD_BYTES) socket.pause();
      this.#drive();
    });
    // A client that half-closes is gone for the mock's purposes (Go's server cancels the request too).
    socket.on('end', () => this.destroy());
    socket.on('error', () => this.destroy());
    socket.on('close', () => this.#closed());
  }

  destroy(): void {
    if (!this.#socket.destroyed) this.#socket.destroy();
    this.#closed();
  }

  /** Writes an answer; then reads on if the request body is complete and the connection stays open. */
  answer(res: Response, head: string, body: Buffer | string | undefined): void {
    const s = this.#socket;
    if (!this.#keepAlive) head += 'Connection: close\r\n';
    head += '\r\n';
    // One string write for a small answer: Node copies a latin1 string of up to 16 KB straight into
    // the socket, while a head and a Buffer body go through cork and writev (~1 µs more per answer
    // measured alone). A Buffer's bytes read as latin1 are the same bytes; a string body must be
    // ASCII for that.
    if (body === undefined) s.write(head, 'latin1');
    else if (body.length > SMALL_BODY || (typeof body === 'string' && !isAscii(body))) {
      s.cork();
      s.write(head, 'latin1');
      s.write(body);
      s.uncork();
    } else s.write(head + (typeof body === 'string' ? body : body.toString('latin1')), 'latin1');
    if (res !== this.#response) return;
    if (this.#phase === 'wait') this.#next();
  }

  #closed(): void {
    if (this.closed) return;
    this.closed = true;
    this.#buf = undefined;
    if (this.#phase === 'body') this.#sink.fail();
    this.#response?.abandon();
    this.#response = undefined;
  }

  /** The exchange is over (body read and answer written): the next request, or the end. */
  #next(): void {
    this.#response = undefined;
    if (!this.#keepAlive) {
      this.#socket.end();
      return;
    }
    this.#phase = 'head';
    if (this.#socket.isPaused()) this.#socket.resume();
    if (!this.#driving && this.#buf !== undefined && this.#buf.length > 0) this.#drive();
  }

  #drive(): void {
    if (this.#driving) return;
    this.#driving = true;
    try {
      while (!this.closed && this.#buf !== undefined && this.#buf.length > 0) {
        if (this.#phase === 'head') {
          if (!this.#readHead(this.#buf)) break;
        } else if (this.#phase === 'body') {
          const n = this.#decoder.push(this.#buf, this.#sink);
          if (n === -1) {
            this.#sink.fail();
            this.#keepAlive = false;
            this.#phase = 'wait';
            this.#buf = undefined;
            // The answer to a broken body (if the listener writes one) is the last on this connection.
            if (this.#response?.answered) this.#next();
            break;
          }
          this.#buf = n === this.#buf.length ? undefined : this.#buf.subarray(n);
          if (this.#decoder.done) this.#bodyDone();
        } else break;
      }
    } finally {
      this.#driving = false;
    }
  }

  #bodyDone(): void {
    this.#phase = 'wait';
    if (this.#response?.answered) this.#next();
  }

  /** Parses a head if one is complete; false when more bytes are needed or the connection ends. */
  #readHead(buf: Buffer): boolean {
    const end = buf.indexOf(HEAD_END);
    if (end === -1) {
      if (buf.length > MAX_HEAD_BYTES) this.#refuse(431, 'request header fields too large');
      return false;
    }
    if (end > MAX_HEAD_BYTES) {
      this.#refuse(431, 'request header fields too large');
      return false;
    }
    const parsed = parseHead(buf.toString('latin1', 0, end));
    const rest = end + 4 === buf.length ? undefined : buf.subarray(end + 4);
    if (!parsed.ok) {
      this.#refuse(parsed.status, parsed.message);
      return false;
    }
    this.#buf = rest;
    this.#keepAlive = parsed.keepAlive;
    const framing = parsed.framing;
    this.#decoder = framing.kind === 'none' ? emptyBody : framing.kind === 'length' ? new LengthDecoder(framing.length) : new ChunkedDecoder();
    const req = new Request(parsed.head);
    if (framing.kind === 'length') req.contentLength = framing.length;
    const res = new Response(this, parsed.head.method === 'HEAD');
    this.#response = res;
    this.#phase = 'body';
    // Go and Node answer `Expect: 100-continue` before the handler runs; clients (curl > 1 MB) wait for it.
    if (parsed.expectContinue && !this.#decoder.done) this.#socket.write(CONTINUE, 'latin1');
    this.#listener(req, res);
    this.#sink = req.sink ?? discardSink;
    if (this.#decoder.done) {
      this.#sink.end({});
      this.#bodyDone();
    }
    return true;
  }

  /** A request that cannot be read: Go's plain-text answer, then the connection closes. */
  #refuse(status: number, message: string): void {
    const body = `${status} ${STATUS_CODES[status] ?? ''}: ${message}`;
    this.#keepAlive = false;
    this.#buf = undefined;
    this.#phase = 'wait';
    this.#socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      'latin1',
    );
  }
}
