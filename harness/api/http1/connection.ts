/**
 * One client connection of the mock: reads requests one at a time (a pipelined request waits until
 * the one before it is answered), hands each to the listener, writes its answer, keeps the connection
 * alive as HTTP/1.1 does. The mock sits on every invoke's path, so the hot path is a few string
 * operations and one write per answer (node:http costs ~13 µs more per invoke; bench/README.md).
 */
import type { Socket } from 'node:net';
import { type BodyDecoder, type BodySink, BoundedSink, ChunkedDecoder, LengthDecoder, discardSink, emptyBody } from './body.ts';
import { parseHead } from './head.ts';
import { GO_STATUS_TEXT, MAX_POST_HANDLER_READ, goRefusal } from './go-answers.ts';
import type { BodyResult, BodyStreamSink, Http1ChunkedBody, Http1Request, Http1Response, RequestHead, RequestListener } from './types.ts';

/** Go's http.DefaultMaxHeaderBytes (1 MB) plus its 4 KB slack: what RAPID accepts. */
export const MAX_HEAD_BYTES = (1 << 20) + 4096;
const HEAD_END = Buffer.from('\r\n\r\n');
const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';
const ASCII = /^[\x00-\x7f]*$/;
/** Bodies up to this size are written with their head as one latin1 string. */
const SMALL_BODY = 8192;
/** Go's rstAvoidanceDelay: how long a closing connection waits for the client to close first. */
const GO_CLOSE_DELAY_MS = 500;

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
  #conn: Connection;

  constructor(head: RequestHead, conn: Connection) {
    this.#conn = conn;
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
    this.#conn.bodyWanted();
  }

  onStream(sink: BodyStreamSink): void {
    if (this.sink) throw new Error('internal: a request body can be read once, in the request callback');
    this.sink = sink;
    this.#conn.bodyWanted();
  }

  pause(): void {
    this.#conn.pauseReading();
  }

  resume(): void {
    this.#conn.resumeReading();
  }
}

class Response implements Http1Response {
  statusCode = 0;
  answered = false;
  /** The answer is written whole (a chunked one: its end too). */
  finished = false;
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
    this.finished = true;
    this.statusCode = status;
    this.#abandoned = undefined;
    // Go's status texts (RAPID is a Go server): 413 is "Request Entity Too Large" there, not Node's.
    let head = `${this.#conn.http10 ? 'HTTP/1.0' : 'HTTP/1.1'} ${status} ${GO_STATUS_TEXT[status] ?? `status code ${status}`}\r\n`;
    for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    head += `Date: ${httpDate()}\r\nContent-Length: ${length}\r\n`;
    this.#conn.answer(this, head, this.#headOnly || length === 0 ? undefined : body);
  }

  destroy(): void {
    this.#conn.destroy();
  }

  startChunked(status: number, headers: readonly string[], trailerNames: readonly string[] = []): Http1ChunkedBody {
    const conn = this.#conn;
    if (this.answered || conn.closed) return { write() {}, end() {} };
    this.answered = true;
    this.statusCode = status;
    this.#abandoned = undefined;
    let head = `HTTP/1.1 ${status} ${GO_STATUS_TEXT[status] ?? `status code ${status}`}\r\n`;
    for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
    if (trailerNames.length > 0) head += `Trailer: ${trailerNames.join(', ')}\r\n`;
    conn.writeHead(`${head}Date: ${httpDate()}\r\nTransfer-Encoding: chunked\r\n`);
    const headOnly = this.#headOnly;
    let ended = false;
    return {
      write(data: Buffer | string): void {
        const length = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
        if (ended || headOnly || length === 0) return;
        conn.writeChunk(length, data);
      },
      end: (trailers: readonly string[] = []): void => {
        if (ended) return;
        ended = true;
        let tail = '0\r\n';
        for (let i = 0; i < trailers.length; i += 2) tail += `${trailers[i]}: ${trailers[i + 1]}\r\n`;
        if (!headOnly) conn.writeChunk(0, `${tail}\r\n`);
        this.finished = true;
        conn.answerDone(this);
      },
    };
  }

  sendAndClose(status: number, headers: readonly string[], body: Buffer | string): void {
    if (this.answered || this.#conn.closed) return;
    this.#conn.stopReading();
    this.send(status, headers, body);
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

/**
 * The body of a request answered before anyone read it: dropped, as Go drains it before answering,
 * but only up to maxPostHandlerReadBytes; past that the answer goes out and the connection closes.
 */
class DrainSink implements BodySink {
  #left = MAX_POST_HANDLER_READ;
  #conn: Connection;

  constructor(conn: Connection) {
    this.#conn = conn;
  }

  data(chunk: Buffer): void {
    if (this.#left < 0) return;
    this.#left -= chunk.length;
    if (this.#left < 0) this.#conn.drainLimitHit();
  }

  end(): void {}

  fail(): void {}
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
  #readPaused = false;
  /** The request being read is HTTP/1.0 (Go answers it in HTTP/1.0, without Connection: close). */
  http10 = false;
  /** The listener asked for the body of the request being read. */
  #bodyWanted = false;
  /** `Expect: 100-continue` with a body, and no 100 written yet: Go writes it when the handler reads. */
  #continueDue = false;
  /** The request declares a body of at least 256 KB: Go closes rather than drain it unread. */
  #largeDeclared = false;
  /** An answer written before its unread body ended: Go drains the body first, then writes it. */
  #heldHead: string | undefined;
  /** The last answer is out and the connection is closing: bytes still arriving are dropped. */
  #ending = false;
  #heldBody: Buffer | string | undefined;

  constructor(socket: Socket, listener: RequestListener) {
    this.#socket = socket;
    this.#listener = listener;
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => {
      if (this.#ending) return;
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

  /** The head of a chunked answer; its body follows through writeChunk, its end through answerDone. */
  writeHead(head: string): void {
    if (!this.#keepAlive) head += 'Connection: close\r\n';
    this.#socket.write(`${head}\r\n`, 'latin1');
  }

  /** One chunk of a chunked answer; length 0: `data` is the last chunk and trailer section, as is. */
  writeChunk(length: number, data: Buffer | string): void {
    if (this.closed) return;
    const s = this.#socket;
    if (length === 0) {
      s.write(data, 'latin1');
      return;
    }
    s.cork();
    s.write(`${length.toString(16)}\r\n`, 'latin1');
    s.write(data);
    s.write('\r\n', 'latin1');
    s.uncork();
  }

  /** A chunked answer has ended: the exchange is over once the request body is read too. */
  answerDone(res: Response): void {
    if (res !== this.#response) return;
    if (this.#phase === 'wait') this.#next();
  }

  /** A paused body: the socket stops reading, so the peer's writes back up (bandwidth shaping). */
  pauseReading(): void {
    this.#readPaused = true;
    this.#socket.pause();
  }

  resumeReading(): void {
    if (!this.#readPaused) return;
    this.#readPaused = false;
    this.#socket.resume();
    if (this.#phase === 'body' && this.#buf !== undefined && this.#buf.length > 0) this.#drive();
  }

  /**
   * The answer comes before the body's end and is the last on this connection: the rest of the body
   * is dropped unread, and the socket ends once the answer is written.
   */
  stopReading(): void {
    this.#keepAlive = false;
    this.#sink = discardSink;
    this.#decoder = emptyBody;
    this.#buf = undefined;
    this.#phase = 'wait';
  }

  /** More of an unread body than Go drains arrived: answer now, and close (net/http requestTooLarge). */
  drainLimitHit(): void {
    this.stopReading();
    this.#release();
  }

  /** The listener reads the body: the moment Go writes `100 Continue`. */
  bodyWanted(): void {
    this.#bodyWanted = true;
    if (!this.#continueDue) return;
    this.#continueDue = false;
    this.#socket.write(CONTINUE, 'latin1');
  }

  /** Writes an answer; then reads on if the request body is complete and the connection stays open. */
  answer(res: Response, head: string, body: Buffer | string | undefined): void {
    // Answered while a body nobody asked for is still coming (RAPID refusing an unknown id), as Go does
    // (net/http server.go, maxPostHandlerReadBytes): 256 KB or more declared, close at once; a
    // withheld body (no 100 sent), answer with Connection: close and close once it ends; otherwise
    // drain the body, then answer.
    if (this.#phase === 'body' && !this.#bodyWanted && !this.#decoder.done) {
      if (this.#largeDeclared) this.stopReading();
      else if (this.#continueDue) this.#keepAlive = false;
      else if (res === this.#response) {
        this.#heldHead = head;
        this.#heldBody = body;
        if (this.#sink === discardSink) this.#sink = new DrainSink(this);
        return;
      }
    }
    this.#write(res, head, body);
  }

  #write(res: Response, head: string, body: Buffer | string | undefined): void {
    const s = this.#socket;
    if (!this.#keepAlive) {
      if (!this.http10) head += 'Connection: close\r\n';
    } else if (this.http10) head += 'Connection: keep-alive\r\n';
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
    this.#heldHead = undefined;
    this.#heldBody = undefined;
    if (this.#phase === 'body') this.#sink.fail();
    this.#response?.abandon();
    this.#response = undefined;
  }

  /** The exchange is over (body read and answer written): the next request, or the end. */
  #next(): void {
    this.#response = undefined;
    if (!this.#keepAlive) {
      this.#end();
      return;
    }
    this.#phase = 'head';
    this.#readPaused = false;
    if (this.#socket.isPaused()) this.#socket.resume();
    if (!this.#driving && this.#buf !== undefined && this.#buf.length > 0) this.#drive();
  }

  #drive(): void {
    if (this.#driving) return;
    this.#driving = true;
    try {
      while (!this.closed && !this.#readPaused && this.#buf !== undefined && this.#buf.length > 0) {
        if (this.#phase === 'head') {
          if (!this.#readHead(this.#buf)) break;
        } else if (this.#phase === 'body') {
          const n = this.#decoder.push(this.#buf, this.#sink);
          // The listener answered and stopped reading from inside the sink: the rest is dropped.
          if (this.#phase !== 'body') break;
          if (n === -1) {
            this.#sink.fail();
            this.#keepAlive = false;
            this.#phase = 'wait';
            this.#buf = undefined;
            // The answer to a broken body (if the listener writes one) is the last on this connection.
            this.#release();
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
    this.#release();
  }

  /** The body has ended: the answer held back for it goes out, or the exchange is over if answered. */
  #release(): void {
    const head = this.#heldHead;
    if (head === undefined) {
      if (this.#response?.finished) this.#next();
      return;
    }
    const body = this.#heldBody;
    this.#heldHead = undefined;
    this.#heldBody = undefined;
    if (this.#response !== undefined) this.#write(this.#response, head, body);
  }

  /** Parses a head if one is complete; false when more bytes are needed or the connection ends. */
  #readHead(buf: Buffer): boolean {
    const end = buf.indexOf(HEAD_END);
    if (end === -1) {
      if (buf.length > MAX_HEAD_BYTES) this.#refuse(431);
      return false;
    }
    if (end > MAX_HEAD_BYTES) {
      this.#refuse(431);
      return false;
    }
    const parsed = parseHead(buf.toString('latin1', 0, end));
    const rest = end + 4 === buf.length ? undefined : buf.subarray(end + 4);
    if (!parsed.ok) {
      this.#refuse(parsed.status, parsed.detail);
      return false;
    }
    this.#buf = rest;
    this.#keepAlive = parsed.keepAlive;
    this.http10 = parsed.head.httpVersion === '1.0';
    const framing = parsed.framing;
    this.#largeDeclared = framing.kind === 'length' && framing.length >= MAX_POST_HANDLER_READ;
    this.#decoder = framing.kind === 'none' ? emptyBody : framing.kind === 'length' ? new LengthDecoder(framing.length) : new ChunkedDecoder();
    const req = new Request(parsed.head, this);
    if (framing.kind === 'length') req.contentLength = framing.length;
    const res = new Response(this, parsed.head.method === 'HEAD');
    this.#response = res;
    this.#phase = 'body';
    this.#bodyWanted = false;
    // Clients (curl > 1 MB) wait for the 100; Go sends it when the handler reads (bodyWanted), so a
    // request refused before its body is read gets only its answer.
    this.#continueDue = parsed.expectContinue && !this.#decoder.done;
    this.#listener(req, res);
    this.#sink = req.sink ?? (this.#heldHead === undefined ? discardSink : new DrainSink(this));
    if (this.#decoder.done) {
      this.#sink.end({});
      this.#bodyDone();
    }
    return true;
  }

  /** A request that cannot be read: Go's answer, byte for byte, then the connection closes. */
  #refuse(status: number, detail?: string): void {
    this.#keepAlive = false;
    this.#buf = undefined;
    this.#phase = 'wait';
    this.#socket.write(goRefusal(status, detail, httpDate()), 'latin1');
    this.#end();
  }

  /**
   * The last answer is written: half-close, drop whatever the client still sends (so a client in the
   * middle of a large body can finish and read the answer), and cut the connection after Go's
   * rstAvoidanceDelay if the client does not close it first (net/http server.go, closeWriteAndWait).
   */
  #end(): void {
    this.#ending = true;
    this.#buf = undefined;
    if (this.#socket.isPaused()) this.#socket.resume();
    this.#socket.end(() => setTimeout(() => this.destroy(), GO_CLOSE_DELAY_MS).unref());
  }
}
