/**
 * One subscription's delivery: events are buffered and POSTed as a JSON array to the extension's
 * destination on 127.0.0.1 when `maxItems` or `maxBytes` is reached or `timeoutMs` after the first
 * buffered event, as Lambda batches them. A failed POST is retried a few times with a short backoff,
 * then the batch is dropped and the next batch starts with a platform.logsDropped event (when the
 * subscriber takes platform events). Nothing here can hold up a shutdown: every wait is bounded and
 * close() cuts a POST in flight.
 * https://docs.aws.amazon.com/lambda/latest/dg/telemetry-api.html#telemetry-api-buffering
 */
import { type ClientRequest, request } from 'node:http';
import { formatMoment } from './format.ts';
import type { SubscriberStats, SubscriptionRequest, TelemetryEvent } from './types.ts';

/** Tries per batch, and the waits between them. */
const RETRY_DELAYS_MS = [50, 250] as const;
const ATTEMPT_TIMEOUT_MS = 2_000;
/** Events kept while the destination lags, in multiples of maxItems; past it the oldest go. */
const BACKLOG_BATCHES = 4;

export class Subscriber {
  readonly extensionId: string;
  readonly extensionName: string;
  readonly sub: SubscriptionRequest;
  readonly stats: SubscriberStats;
  #queue: string[] = [];
  #queueBytes = 0;
  #timer: NodeJS.Timeout | undefined;
  #sending: Promise<void> | undefined;
  #inflight: ClientRequest | undefined;
  #closed = false;
  /** Dropped since the last logsDropped event went out. */
  #unreported = { records: 0, bytes: 0 };

  constructor(extensionId: string, extensionName: string, sub: SubscriptionRequest) {
    this.extensionId = extensionId;
    this.extensionName = extensionName;
    this.sub = sub;
    this.stats = { extension: extensionName, api: sub.api, delivered: 0, batches: 0, dropped: 0 };
  }

  push(event: TelemetryEvent): void {
    if (this.#closed) return;
    const json = JSON.stringify(event);
    const b = this.sub.buffering;
    if (this.#queue.length >= b.maxItems * BACKLOG_BATCHES) this.#drop(this.#take(1));
    this.#queue.push(json);
    this.#queueBytes += Buffer.byteLength(json);
    if (this.#queue.length >= b.maxItems || this.#queueBytes >= b.maxBytes) this.#kick();
    else if (this.#timer === undefined && this.#sending === undefined) {
      this.#timer = setTimeout(() => this.#kick(), b.timeoutMs);
      this.#timer.unref();
    }
  }

  /** Sends everything buffered now; settles when it went out (or failed), or after `ms`. */
  async flush(ms: number): Promise<void> {
    this.#kick();
    const deadline = Date.now() + ms;
    while (this.#sending && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      const left = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
      });
      await Promise.race([this.#sending, left]);
      clearTimeout(timer);
    }
  }

  /** No more deliveries: the timer goes, a POST in flight is cut. */
  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#inflight?.destroy();
    this.#queue = [];
    this.#queueBytes = 0;
  }

  #kick(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#sending || this.#queue.length === 0 || this.#closed) return;
    this.#sending = this.#sendAll().finally(() => {
      this.#sending = undefined;
      if (this.#queue.length > 0) this.#kick();
    });
  }

  /** Batches of at most maxItems events and about maxBytes each, until the buffer is empty. */
  async #sendAll(): Promise<void> {
    while (this.#queue.length > 0 && !this.#closed) {
      const batch = this.#take(this.#batchSize());
      const dropped = this.#droppedEvent();
      const body = `[${dropped ? `${dropped},` : ''}${batch.join(',')}]`;
      this.stats.batches += 1;
      if (await this.#post(body)) this.stats.delivered += batch.length + (dropped ? 1 : 0);
      else this.#drop(batch);
    }
  }

  #batchSize(): number {
    const { maxItems, maxBytes } = this.sub.buffering;
    let n = 0;
    let bytes = 0;
    while (n < this.#queue.length && n < maxItems && bytes < maxBytes) bytes += Buffer.byteLength(this.#queue[n++] as string);
    return Math.max(1, n);
  }

  #take(n: number): string[] {
    const out = this.#queue.splice(0, n);
    for (const s of out) this.#queueBytes -= Buffer.byteLength(s);
    return out;
  }

  #drop(events: string[]): void {
    this.stats.dropped += events.length;
    this.#unreported.records += events.length;
    for (const s of events) this.#unreported.bytes += Buffer.byteLength(s);
  }

  /** A platform.logsDropped event for what was lost since the last one, if the subscriber takes platform events. */
  #droppedEvent(): string | undefined {
    const u = this.#unreported;
    if (u.records === 0 || !this.sub.types.includes('platform')) return undefined;
    this.#unreported = { records: 0, bytes: 0 };
    const reason = 'Consumer seems to have fallen behind as it has not acknowledged receipt of logs.';
    const ev = formatMoment(this.sub.api, this.sub.schemaVersion, Date.now(), { kind: 'logsDropped', droppedRecords: u.records, droppedBytes: u.bytes, reason });
    return ev && JSON.stringify(ev);
  }

  async #post(body: string): Promise<boolean> {
    for (let attempt = 0; !this.#closed; attempt++) {
      if (await this.#postOnce(body)) return true;
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined || this.#closed) return false;
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
    }
    return false;
  }

  #postOnce(body: string): Promise<boolean> {
    return new Promise((resolve) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.sub.port,
          path: this.sub.path,
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
          timeout: ATTEMPT_TIMEOUT_MS,
          agent: false,
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve((res.statusCode ?? 500) < 300));
          res.on('error', () => resolve(false));
        },
      );
      this.#inflight = req;
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(false));
      req.on('close', () => {
        if (this.#inflight === req) this.#inflight = undefined;
        resolve(false);
      });
      req.end(body);
    });
  }
}
