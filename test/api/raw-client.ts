/** A raw `node:net` client: writes bytes as a runtime client would, reads answers off the wire unparsed. */
import { type Socket, connect } from 'node:net';

export interface Answer {
  status: number;
  /** The status line and header lines exactly as sent (latin1), without the blank line. */
  head: string;
  headers: Record<string, string>;
  body: string;
}

/** Reads HTTP answers off a socket (Content-Length framed, as the transport writes them). */
export class RawClient {
  readonly socket: Socket;
  #buf = Buffer.alloc(0);
  #waiters: (() => void)[] = [];
  closed = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (d: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, d]);
      this.#wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
    socket.on('error', () => {});
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  #until(ready: () => boolean, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 5000);
      const check = () => {
        if (ready()) {
          clearTimeout(timer);
          resolve();
        } else if (this.closed) {
          clearTimeout(timer);
          reject(new Error(`connection closed while waiting for ${what}`));
        } else this.#waiters.push(check);
      };
      check();
    });
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve) => this.socket.write(data, () => resolve()));
  }

  /** `headOnly`: the answer to HEAD, which has a Content-Length but no body. */
  async answer(headOnly = false): Promise<Answer> {
    await this.#until(() => this.#buf.includes('\r\n\r\n'), 'an answer head');
    const end = this.#buf.indexOf('\r\n\r\n');
    const head = this.#buf.toString('latin1', 0, end);
    const headers: Record<string, string> = {};
    for (const line of head.split('\r\n').slice(1)) {
      const i = line.indexOf(':');
      headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
    }
    const status = Number(head.slice(9, 12));
    // Go's answers to unreadable requests carry no Content-Length: their body ends with the connection.
    if (status >= 200 && !headOnly && headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) {
      await this.whenClosed();
      const body = this.#buf.toString('utf8', end + 4);
      this.#buf = Buffer.alloc(0);
      return { status, head, headers, body };
    }
    const length = status === 100 || headOnly ? 0 : Number(headers['content-length'] ?? 0);
    await this.#until(() => this.#buf.length >= end + 4 + length, 'an answer body');
    const body = this.#buf.toString('utf8', end + 4, end + 4 + length);
    this.#buf = this.#buf.subarray(end + 4 + length);
    return { status, head, headers, body };
  }

  /** An answer with its body as bytes. */
  async answerBytes(): Promise<{ status: number; body: Buffer }> {
    await this.#until(() => this.#buf.includes('\r\n\r\n'), 'an answer head');
    const end = this.#buf.indexOf('\r\n\r\n');
    const head = this.#buf.toString('latin1', 0, end);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    await this.#until(() => this.#buf.length >= end + 4 + length, 'an answer body');
    const body = Buffer.from(this.#buf.subarray(end + 4, end + 4 + length));
    this.#buf = this.#buf.subarray(end + 4 + length);
    return { status: Number(head.slice(9, 12)), body };
  }

  async json(): Promise<Record<string, unknown>> {
    const a = await this.answer();
    return JSON.parse(a.body) as Record<string, unknown>;
  }

  whenClosed(): Promise<void> {
    return this.#until(() => this.closed, 'the connection to close');
  }

  close(): void {
    this.socket.destroy();
  }
}
