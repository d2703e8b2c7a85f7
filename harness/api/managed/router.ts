/**
 * The Runtime API of a Lambda Managed Instances environment: several invocations in flight at once,
 * up to AWS_LAMBDA_MAX_CONCURRENCY. Each `/next` is one idle worker, each delivered invocation is
 * matched to its result by request id, and each has its own timeout: a timed-out invocation is
 * forgotten (its handler keeps running), and its late post is answered 410 `InvokeTimeout`.
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-custom.html (Managed Instances note)
 * https://github.com/aws/aws-lambda-runtime-interface-emulator/blob/4fa21571526087e3a0076b9fecf67a79e3927994/internal/lambda-managed-instances/invoke/invoke_router.go
 * docs/requirements.md#concurrency
 */
import { now } from '../../clock.ts';
import { BootspecError, ErrorCodes } from '../../errors.ts';
import { MAX_PAYLOAD_SIZE, internalServerError, invalidRequestId, invalidStateTransition, requestEntityTooLarge } from '../errors.ts';
import { renderInvokeHeaders } from '../render-headers.ts';
import type { InvocationRequest, RuntimeApiState, RuntimeExchange } from '../types.ts';
import { Inflight } from '../invocation.ts';
import { finishManagedResult, MANAGED_ERROR_BODY_LIMIT, readManagedInitError } from './results.ts';
import { invokeTimeout } from './vocabulary.ts';
import type { ManagedStats } from './types.ts';

/** Ids of timed-out invocations kept for their 410 (a bounded memory of recent timeouts). */
const TIMED_OUT_KEPT = 1000;

export class ManagedRouter {
  readonly maxConcurrency: number;
  readonly stats: ManagedStats = { peakRunning: 0, peakIdle: 0, idleRefused: 0, lateRefused: 0, deliveries: 0 };
  /** The id of the invocation an exchange is about (for the exchange record). */
  focusId: string | undefined;
  /** Parked /next requests: idle workers, oldest first. */
  #idle: RuntimeExchange[] = [];
  /** Accepted invocations no worker has taken yet. */
  #pending: Inflight[] = [];
  /** Delivered invocations with no result yet, by request id. */
  #running = new Map<string, Inflight>();
  #timedOut = new Set<string>();

  constructor(maxConcurrency: number) {
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) throw new RangeError(`maxConcurrency must be a whole number ≥ 1, got ${maxConcurrency}`);
    this.maxConcurrency = maxConcurrency;
  }

  /** Invocations accepted and not finished: waiting for a worker, or delivered. */
  get inFlight(): number {
    return this.#pending.length + this.#running.size;
  }

  get idleCount(): number {
    return this.#idle.length;
  }

  /** Delivered invocations whose result has not come. */
  get running(): number {
    return this.#running.size;
  }

  /**
   * Accepts an invocation: to an idle worker now, or to the next /next. The caller keeps at most
   * `maxConcurrency` in flight (the environment's slots); one more is a bootspec bug.
   */
  invoke(request: InvocationRequest): Inflight {
    if (this.inFlight >= this.maxConcurrency) {
      throw new BootspecError(ErrorCodes.ENVIRONMENT_TRANSITION_DENIED, `internal: ${this.inFlight} invocations already in flight, the most this environment takes is ${this.maxConcurrency}`, {
        hint: 'this is a bootspec bug: the environment admits at most maxConcurrency invocations at once',
      });
    }
    const inv = new Inflight(request);
    const worker = this.#idle.shift();
    if (worker) this.#deliver(worker, inv);
    else this.#pending.push(inv);
    return inv;
  }

  /** The invocation's timeout passed: forgotten now, its late post gets 410. The handler is not stopped. */
  timeOut(inv: Inflight): void {
    if (this.#forget(inv) && inv.deliveries > 0) {
      this.#timedOut.add(inv.request.requestId);
      if (this.#timedOut.size > TIMED_OUT_KEPT) this.#timedOut.delete(this.#timedOut.values().next().value as string);
    }
  }

  /** The invocation ended otherwise (its process died): forgotten, a later post is an unknown id. */
  abandon(inv: Inflight): void {
    this.#forget(inv);
  }

  /** A new runtime process: no worker, no invocation of the old one is left. */
  reset(): void {
    for (const ex of this.#idle) ex.res.destroy();
    this.#idle = [];
    this.#pending = [];
    this.#running.clear();
    this.#timedOut.clear();
    this.focusId = undefined;
  }

  // The endpoints, as RuntimeApi routes them in this mode.

  /** GET /next: one more idle worker; beyond maxConcurrency idle ones, 500 (Runtime.TooManyIdleRuntimes in RAPID). */
  next(api: RuntimeApiState, ex: RuntimeExchange): void {
    if (api.takeFault('next')) return ex.sendJson(500, internalServerError());
    if (api.state !== 'Ready') {
      const t = api.transition('Ready');
      if (!t.ok) return ex.sendJson(403, invalidStateTransition(t.from, 'Ready'));
      // Init ends when the first worker asks (and the extensions are ready: the environment waits for them).
      if (t.from === 'Started') api.endInit({ kind: 'ready', at: now() });
    }
    const waiting = this.#pending.shift();
    if (waiting) return this.#deliver(ex, waiting);
    if (this.#idle.length >= this.maxConcurrency) {
      this.stats.idleRefused += 1;
      return ex.sendJson(500, internalServerError());
    }
    this.#idle.push(ex);
    if (this.#idle.length > this.stats.peakIdle) this.stats.peakIdle = this.#idle.length;
    ex.res.onAbandoned(() => {
      const i = this.#idle.indexOf(ex);
      if (i === -1) return;
      this.#idle.splice(i, 1);
      api.observe('abortedNext');
    });
  }

  /** POST /response or /error of one invocation: its own id, its own state. */
  result(api: RuntimeApiState, ex: RuntimeExchange, kind: 'response' | 'error', requestId: string): void {
    this.focusId = requestId;
    // /error bodies are capped first, as RAPID reads them before it looks the id up.
    if (kind === 'response' && !this.#answerUnknown(ex, requestId)) return;
    const generation = api.generation;
    const limit = kind === 'error' ? MANAGED_ERROR_BODY_LIMIT : MAX_PAYLOAD_SIZE;
    ex.req.onBody(limit, (body) => {
      ex.noteRequestBody(body.kind === 'ok' ? body.body : undefined, body.size);
      if (generation !== api.generation) return ex.res.destroy();
      if (api.runtimeGone) return ex.sendJson(400, invalidRequestId(), true);
      if (api.takeFault(kind)) return ex.sendJson(500, internalServerError());
      this.focusId = requestId;
      // A capped /error body is refused whatever its id; the invocation stays open for another post.
      if (kind === 'error' && body.kind === 'too-large') return ex.sendJson(413, requestEntityTooLarge());
      if (!this.#answerUnknown(ex, requestId)) return;
      const inv = this.#running.get(requestId) as Inflight;
      const result = finishManagedResult(ex, kind, inv, body);
      if (result === undefined) return;
      this.#running.delete(requestId);
      inv.settle(result);
    });
  }

  /** POST /init/error: as in classic mode (a later worker's post gets 403), with the body capped at 1 MiB. */
  initError(api: RuntimeApiState, ex: RuntimeExchange): void {
    void readManagedInitError(api, ex);
  }

  /**
   * True when `requestId` is a running invocation. Otherwise answers: 410 for a recently timed-out
   * one (once), 400 for an unknown one.
   */
  #answerUnknown(ex: RuntimeExchange, requestId: string): boolean {
    if (this.#running.has(requestId)) return true;
    if (this.#timedOut.delete(requestId)) {
      this.stats.lateRefused += 1;
      ex.sendJson(410, invokeTimeout());
      return false;
    }
    ex.sendJson(400, invalidRequestId());
    return false;
  }

  #deliver(ex: RuntimeExchange, inv: Inflight): void {
    this.#running.set(inv.request.requestId, inv);
    if (this.#running.size > this.stats.peakRunning) this.stats.peakRunning = this.#running.size;
    this.stats.deliveries += 1;
    inv.markDelivered();
    this.focusId = inv.request.requestId;
    ex.send(200, renderInvokeHeaders(inv.request), inv.request.payload);
  }

  #forget(inv: Inflight): boolean {
    const i = this.#pending.indexOf(inv);
    if (i !== -1) {
      this.#pending.splice(i, 1);
      return true;
    }
    const id = inv.request.requestId;
    if (this.#running.get(id) !== inv) return false;
    this.#running.delete(id);
    return true;
  }
}
