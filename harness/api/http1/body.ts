/**
 * Request body framing (RFC 9112 §6, §7.1): a Content-Length count or the chunked coding with its
 * trailer section. A decoder consumes bytes as they arrive and hands the payload to a sink, so a body
 * never has to be whole in memory here.
 */
import type { BodyResult } from './types.ts';

export interface BodySink {
  data(chunk: Buffer): void;
  end(trailers: Record<string, string>): void;
  /** The body did not end: the connection went away or the framing was broken. */
  fail(): void;
}

export interface BodyDecoder {
  /** Consumes a prefix of `buf`, returns how many bytes; -1 when the framing is broken. */
  push(buf: Buffer, sink: BodySink): number;
  readonly done: boolean;
}

export class LengthDecoder implements BodyDecoder {
  #remaining: number;
  constructor(length: number) {
    this.#remaining = length;
  }
  get done(): boolean {
    return this.#remaining === 0;
  }
  push(buf: Buffer, sink: BodySink): number {
    const n = Math.min(this.#remaining, buf.length);
    if (n > 0) sink.data(n === buf.length ? buf : buf.subarray(0, n));
    this.#remaining -= n;
    if (this.#remaining === 0) sink.end({});
    return n;
  }
}

const MAX_SIZE_LINE = 4096;
const MAX_TRAILER_BYTES = 1 << 20;
const HEX = /^[0-9a-fA-F]{1,13}$/;
const LF = 10;

export class ChunkedDecoder implements BodyDecoder {
  #state: 'size' | 'data' | 'data-cr' | 'data-lf' | 'trailer' | 'done' = 'size';
  #remaining = 0;
  #line = '';
  #trailerBytes = 0;
  #trailers: Record<string, string> = {};

  get done(): boolean {
    return this.#state === 'done';
  }

  push(buf: Buffer, sink: BodySink): number {
    let at = 0;
    while (at < buf.length && this.#state !== 'done') {
      switch (this.#state) {
        case 'data': {
          const n = Math.min(this.#remaining, buf.length - at);
          sink.data(buf.subarray(at, at + n));
          at += n;
          this.#remaining -= n;
          if (this.#remaining === 0) this.#state = 'data-cr';
          break;
        }
        case 'data-cr':
          if (buf[at++] !== 13) return -1;
          this.#state = 'data-lf';
          break;
        case 'data-lf':
          if (buf[at++] !== LF) return -1;
          this.#state = 'size';
          break;
        default: {
          // 'size' or 'trailer': a CRLF-terminated line, possibly split across pushes.
          const lf = buf.indexOf(LF, at);
          const end = lf === -1 ? buf.length : lf + 1;
          this.#line += buf.toString('latin1', at, end);
          at = end;
          const limit = this.#state === 'size' ? MAX_SIZE_LINE : MAX_TRAILER_BYTES - this.#trailerBytes;
          if (this.#line.length > limit) return -1;
          if (lf === -1) break;
          if (!this.#line.endsWith('\r\n')) return -1;
          const line = this.#line.slice(0, -2);
          this.#line = '';
          if (!this.#takeLine(line, sink)) return -1;
        }
      }
    }
    return at;
  }

  #takeLine(line: string, sink: BodySink): boolean {
    if (this.#state === 'size') {
      const semi = line.indexOf(';');
      const hex = (semi === -1 ? line : line.slice(0, semi)).trimEnd();
      if (!HEX.test(hex)) return false;
      this.#remaining = Number.parseInt(hex, 16);
      this.#state = this.#remaining === 0 ? 'trailer' : 'data';
      return true;
    }
    if (line === '') {
      this.#state = 'done';
      sink.end(this.#trailers);
      return true;
    }
    this.#trailerBytes += line.length + 2;
    const colon = line.indexOf(':');
    if (colon <= 0) return false;
    this.#trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    return true;
  }
}

/**
 * Keeps at most `limit` bytes; past it, keeps counting so the whole body is read and the client can
 * read the 413. A body of known length within the limit is copied into one buffer as it arrives
 * (a 6 MB result is otherwise ~100 socket chunks and a concatenation).
 */
export class BoundedSink implements BodySink {
  #done: (r: BodyResult) => void;
  #chunks: Buffer[] = [];
  #whole: Buffer | undefined;
  #size = 0;
  #limit: number;
  #settled = false;

  /** `done` is called once, as soon as the body has ended (in the same turn as its last bytes). */
  constructor(limit: number, expectedLength: number | undefined, done: (r: BodyResult) => void) {
    this.#limit = limit;
    this.#done = done;
    if (expectedLength !== undefined && expectedLength <= limit && expectedLength > 16384) this.#whole = Buffer.allocUnsafe(expectedLength);
  }
  data(chunk: Buffer): void {
    const at = this.#size;
    this.#size += chunk.length;
    if (this.#whole !== undefined && this.#size <= this.#whole.length) chunk.copy(this.#whole, at);
    else if (this.#size <= this.#limit) this.#chunks.push(chunk);
    else this.#chunks.length = 0;
  }
  end(trailers: Record<string, string>): void {
    if (this.#size > this.#limit) return this.#settle({ kind: 'too-large', size: this.#size });
    const c = this.#chunks;
    const body = this.#whole !== undefined ? this.#whole.subarray(0, this.#size) : c.length === 1 ? (c[0] as Buffer) : Buffer.concat(c, this.#size);
    this.#settle({ kind: 'ok', body, size: this.#size, trailers });
  }
  fail(): void {
    this.#settle({ kind: 'truncated', size: this.#size });
  }
  #settle(r: BodyResult): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#chunks = [];
    this.#whole = undefined;
    this.#done(r);
  }
}

export const discardSink: BodySink = { data() {}, end() {}, fail() {} };

/** A body with no bytes (no framing, or Content-Length: 0). */
export const emptyBody: BodyDecoder = { done: true, push: () => 0 };
