/**
 * A raw HTTP/1.1 client connection for differential runs: writes exactly the bytes it is given, reads
 * answers as they come (interim 1xx answers included) and notes for each one after which step it
 * arrived and whether the request it answers had been sent whole by then (its timing class).
 */
import { type Socket, connect } from 'node:net';
import type { Answer, HeaderList, Target } from './types.ts';

interface SentRequest {
  requestLine: string;
  /** The whole request (head and body) has been written. */
  whole: boolean;
  /** Bytes still to send, for a request sent in part. */
  rest: Buffer | undefined;
}

/** Go's and Node's answers to HEAD-less requests carry one of these framings, or end at close. */
type Framing = { kind: 'length'; remaining: number } | { kind: 'chunked' } | { kind: 'close' } | { kind: 'none' };

interface PendingAnswer {
  status: number;
  reason: string;
  headers: HeaderList;
  framing: Framing;
  chunks: Buffer[];
}

export class RawConnection {
  readonly name: string;
  readonly target: Target;
  readonly answers: Answer[] = [];
  readonly requests: SentRequest[] = [];
  /** The step the runner is at; answers read now are stamped with it. */
  step = 0;
  closedByServer: number | undefined;
  closedByUs = false;
  /** When the last byte arrived (for the runner's quiet wait). */
  lastActivity = Date.now();
  #socket: Socket;
  #buf: Buffer = Buffer.alloc(0);
  #finals = 0;
  #current: PendingAnswer | undefined;
  #changed: (() => void) | undefined;
  readonly opened: Promise<boolean>;

  constructor(name: string, target: Target, port: number) {
    this.name = name;
    this.target = target;
    this.#socket = connect({ host: '127.0.0.1', port, noDelay: true });
    this.opened = new Promise((resolve) => {
      this.#socket.once('connect', () => resolve(true));
      this.#socket.once('error', () => resolve(false));
    });
    this.#socket.on('data', (d: Buffer) => {
      this.lastActivity = Date.now();
      this.#buf = this.#buf.length === 0 ? d : Buffer.concat([this.#buf, d]);
      this.#parse(false);
      this.#changed?.();
    });
    this.#socket.on('error', () => undefined);
    this.#socket.on('close', () => {
      this.lastActivity = Date.now();
      this.#parse(true);
      if (!this.closedByUs && this.closedByServer === undefined) this.closedByServer = this.step;
      this.#changed?.();
    });
  }

  /** Bytes written but not yet handed to the kernel (a large body the server is still reading). */
  get sending(): boolean {
    return !this.closed && this.#socket.writableLength > 0;
  }

  get closed(): boolean {
    return this.closedByUs || this.closedByServer !== undefined;
  }

  /** Requests with no final answer yet. */
  get outstanding(): number {
    return this.requests.length - this.#finals;
  }

  /** Writes a request (or its first `sendBytes` bytes; the rest goes with `sendRest`). */
  send(requestLine: string, bytes: Buffer, sendBytes = bytes.length): void {
    const n = Math.min(sendBytes, bytes.length);
    this.requests.push({ requestLine, whole: n === bytes.length, rest: n === bytes.length ? undefined : bytes.subarray(n) });
    this.#write(bytes.subarray(0, n));
  }

  sendRest(): void {
    const r = [...this.requests].reverse().find((x) => x.rest !== undefined);
    if (!r?.rest) return;
    const rest = r.rest;
    r.rest = undefined;
    r.whole = true;
    this.#write(rest);
  }

  close(): void {
    if (this.closed) return;
    this.closedByUs = true;
    this.#socket.destroy();
  }

  /** Resolves when every request has its final answer or the connection closed, or after `ms`. */
  settled(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.outstanding > 0 && !this.closed) return;
        clearTimeout(timer);
        this.#changed = undefined;
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.#changed = undefined;
        resolve(false);
      }, ms);
      this.#changed = check;
      check();
    });
  }

  /** Bytes written since the runner last reset it (a step's writes). */
  written = 0;

  #write(bytes: Buffer): void {
    if (this.closed || bytes.length === 0) return;
    this.written += bytes.length;
    // A large body goes through the socket's buffer; the runner does not wait for it to drain,
    // as a runtime that writes a body does not wait for the server to read it.
    this.#socket.write(bytes);
  }

  #parse(atClose: boolean): void {
    for (;;) {
      if (!this.#current) {
        const end = this.#buf.indexOf('\r\n\r\n');
        if (end === -1) return;
        const lines = this.#buf.toString('latin1', 0, end).split('\r\n');
        this.#buf = this.#buf.subarray(end + 4);
        const m = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(lines[0] ?? '');
        const headers: HeaderList = lines.slice(1).map((l) => {
          const c = l.indexOf(':');
          return [l.slice(0, c).trim(), l.slice(c + 1).trim()];
        });
        const status = m ? Number(m[1]) : 0;
        const get = (n: string) => headers.find(([k]) => k.toLowerCase() === n)?.[1];
        const te = get('transfer-encoding');
        const cl = get('content-length');
        const framing: Framing =
          status < 200 || status === 204 || status === 304
            ? { kind: 'none' }
            : te?.toLowerCase().includes('chunked')
              ? { kind: 'chunked' }
              : cl !== undefined
                ? { kind: 'length', remaining: Number(cl) }
                : { kind: 'close' };
        this.#current = { status, reason: m ? (m[2] as string) : lines[0] ?? '', headers, framing, chunks: [] };
      }
      const cur = this.#current;
      if (!this.#readBody(cur, atClose)) return;
      this.#current = undefined;
      this.#answer(cur.status, cur.reason, cur.headers, Buffer.concat(cur.chunks));
    }
  }

  /** Reads what there is of the current answer's body; true when it is complete. */
  #readBody(cur: PendingAnswer, atClose: boolean): boolean {
    const f = cur.framing;
    if (f.kind === 'none') return true;
    if (f.kind === 'close') {
      cur.chunks.push(this.#buf);
      this.#buf = Buffer.alloc(0);
      return atClose;
    }
    if (f.kind === 'length') {
      const n = Math.min(f.remaining, this.#buf.length);
      cur.chunks.push(this.#buf.subarray(0, n));
      this.#buf = this.#buf.subarray(n);
      f.remaining -= n;
      return f.remaining === 0 || atClose;
    }
    for (;;) {
      const lf = this.#buf.indexOf('\r\n');
      if (lf === -1) return atClose;
      const size = Number.parseInt(this.#buf.toString('latin1', 0, lf), 16);
      if (!Number.isFinite(size)) return true;
      if (size === 0) {
        const end = this.#buf.indexOf('\r\n\r\n', lf);
        if (end === -1) return atClose;
        this.#buf = this.#buf.subarray(end + 4);
        return true;
      }
      if (this.#buf.length < lf + 2 + size + 2) return atClose;
      cur.chunks.push(this.#buf.subarray(lf + 2, lf + 2 + size));
      this.#buf = this.#buf.subarray(lf + 4 + size);
    }
  }

  #answer(status: number, reason: string, headers: HeaderList, body: Buffer): void {
    const interim = status >= 100 && status < 200;
    const index = Math.min(this.#finals, this.requests.length - 1);
    const req = this.requests[index];
    this.answers.push({
      conn: this.name,
      target: this.target,
      request: index,
      requestLine: req?.requestLine ?? '(none)',
      status,
      reason,
      headers,
      body,
      afterStep: this.step,
      timing: req?.whole === false ? 'at-once' : 'after-body',
    });
    if (!interim) this.#finals += 1;
  }
}
