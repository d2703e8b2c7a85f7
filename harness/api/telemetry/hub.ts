/**
 * The Telemetry and Logs APIs of one execution environment: its subscribers (one per extension, by
 * Lambda-Extension-Identifier) and the moments the platform reports, fanned out to each subscriber in
 * the order they happen. Events of the init phase are kept until init ends, so an extension that
 * subscribes during init still receives platform.initStart and the runtime's first lines, as on
 * Lambda. With no subscriber and no init in progress, reporting a moment costs a check.
 * https://docs.aws.amazon.com/lambda/latest/dg/telemetry-api.html
 */
import { formatMoment, streamOf } from './format.ts';
import { Subscriber } from './subscriber.ts';
import type { InitPhase, SubscriberStats, SubscriptionRequest, TelemetryMoment } from './types.ts';

/** Init-phase events kept for late subscribers; past it the rest are not replayed. */
const MAX_BACKLOG = 10_000;
/** How long close() of an environment waits for the last batches. */
export const TELEMETRY_FLUSH_MS = 1_000;

interface Timed {
  at: number;
  moment: TelemetryMoment;
}

export type SubscribeResult = { ok: true } | { ok: false; errorMessage: string };

export class TelemetryHub {
  #subs = new Map<string, Subscriber>();
  #backlog: Timed[] | undefined;
  #initRuntimeDone = false;
  /** Stats of every subscriber this environment had, old generations too. */
  readonly #history: SubscriberStats[] = [];

  /** True when a moment would reach anyone (checked per log line). */
  get active(): boolean {
    return this.#subs.size > 0 || this.#backlog !== undefined;
  }

  /** What each subscriber received so far, all generations. */
  get subscribers(): readonly SubscriberStats[] {
    return this.#history;
  }

  /**
   * A new init phase: the subscribers of the previous generation went with their extensions; events
   * are kept from here for the extensions that subscribe during this init.
   */
  beginInit(phase: InitPhase, at: number = Date.now()): void {
    this.#closeSubscribers();
    this.#backlog = [];
    this.#initRuntimeDone = false;
    this.report({ kind: 'initStart', phase }, at);
  }

  /** The runtime's part of init ended (reported once per init). */
  initRuntimeDone(moment: Extract<TelemetryMoment, { kind: 'initRuntimeDone' }>, at: number = Date.now()): void {
    if (this.#initRuntimeDone) return;
    this.#initRuntimeDone = true;
    this.report(moment, at);
  }

  /** Init is over: no more subscriptions, nothing more to keep for them. */
  endInit(): void {
    this.#backlog = undefined;
  }

  report(moment: TelemetryMoment, at: number = Date.now()): void {
    const backlog = this.#backlog;
    if (backlog && backlog.length < MAX_BACKLOG) backlog.push({ at, moment });
    for (const s of this.#subs.values()) deliver(s, at, moment);
  }

  /** A line of the function's or an extension's output. */
  log(stream: 'function' | 'extension', text: string, at: number): void {
    if (!this.active) return;
    this.report({ kind: 'log', stream, text }, at);
  }

  /**
   * Subscribes an extension (again: the new subscription replaces its old one, as the Logs API
   * documents subscriptions to be idempotent). One extension uses one of the two APIs.
   */
  subscribe(extensionId: string, extensionName: string, req: SubscriptionRequest): SubscribeResult {
    const old = this.#subs.get(extensionId);
    if (old && old.sub.api !== req.api) {
      return { ok: false, errorMessage: `extension ${extensionName} already subscribed through the ${old.sub.api === 'telemetry' ? 'Telemetry' : 'Logs'} API; an extension uses one of the two` };
    }
    old?.close();
    const s = new Subscriber(extensionId, extensionName, req);
    this.#history.push(s.stats);
    // A first subscription during init receives what happened since init started.
    if (!old) for (const t of this.#backlog ?? []) deliver(s, t.at, t.moment);
    this.#subs.set(extensionId, s);
    this.report({ kind: 'subscription', api: req.api, name: extensionName, types: req.types });
    return { ok: true };
  }

  /** Sends what is buffered; settles when delivered, or after `ms`. */
  async flush(ms: number = TELEMETRY_FLUSH_MS): Promise<void> {
    await Promise.all([...this.#subs.values()].map((s) => s.flush(ms)));
  }

  close(): void {
    this.#closeSubscribers();
    this.#backlog = undefined;
  }

  #closeSubscribers(): void {
    for (const s of this.#subs.values()) s.close();
    this.#subs.clear();
  }
}

function deliver(s: Subscriber, at: number, moment: TelemetryMoment): void {
  if (!s.sub.types.includes(streamOf(moment))) return;
  const ev = formatMoment(s.sub.api, s.sub.schemaVersion, at, moment);
  if (ev) s.push(ev);
}
