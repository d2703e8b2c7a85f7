/** A real loopback HTTP listener standing in for an extension's telemetry destination. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { TelemetryEvent } from '../../../harness/api/telemetry/types.ts';

export interface ReceivedBatch {
  method: string;
  path: string;
  contentType: string | undefined;
  events: TelemetryEvent[];
}

export class TelemetryReceiver {
  readonly batches: ReceivedBatch[] = [];
  readonly #server: Server;
  /** Answers the next requests with these statuses (then 200), or never answers while `hang`. */
  failNext: number[] = [];
  hang = false;
  #waiters: (() => void)[] = [];

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<TelemetryReceiver> {
    const server = createServer();
    const self = new TelemetryReceiver(server);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => self.#onRequest(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return self;
  }

  get port(): number {
    const a = this.#server.address();
    if (a === null || typeof a === 'string') throw new Error('not listening');
    return a.port;
  }

  get events(): TelemetryEvent[] {
    return this.batches.flatMap((b) => b.events);
  }

  /** Waits until an event of this type arrived (the condition, not a fixed time). */
  async until(pred: (events: TelemetryEvent[]) => boolean, ms = 5_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred(this.events)) {
      if (Date.now() > deadline) throw new Error(`telemetry not received within ${ms} ms; got ${JSON.stringify(this.events.map((e) => e.type))}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50).unref();
      });
    }
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (this.hang) return;
      const fail = this.failNext.shift();
      if (fail !== undefined) {
        res.statusCode = fail;
        res.end();
        return;
      }
      this.batches.push({ method: req.method ?? '', path: req.url ?? '', contentType: req.headers['content-type'], events: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.end();
      for (const w of this.#waiters.splice(0)) w();
    });
  }
}
