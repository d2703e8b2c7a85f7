import { internalServerError } from './errors.ts';
import { Exchange } from './exchange.ts';
import { handleExtensionError } from './handlers/extension-error.ts';
import { handleExtensionNext } from './handlers/extension-next.ts';
import { handleExtensionRegister } from './handlers/extension-register.ts';
import { handleInitError } from './handlers/init-error.ts';
import { handleTelemetrySubscribe, type TelemetrySubscribeState, telemetrySubscribeState } from './handlers/telemetry-subscribe.ts';
import { handleNext } from './handlers/next.ts';
import { handlePing } from './handlers/ping.ts';
import { handleResult } from './handlers/result.ts';
import { handleUnrouted } from './handlers/unrouted.ts';
import { Http1Server } from './http1/server.ts';
import type { Http1Request, Http1Response } from './http1/types.ts';
import { EndWait, Inflight } from './invocation.ts';
import { ExtensionRegistry } from './extensions/registry.ts';
import type { ExtensionFunctionMetadata } from './extensions/types.ts';
import { ExchangeLog } from './recorder.ts';
import { renderInvokeHeaders } from './render-headers.ts';
import { handleRestoreError, handleRestoreNext, RestoreGate } from './restore.ts';
import { dispatchManaged } from './managed/dispatch.ts';
import { ManagedRouter } from './managed/router.ts';
import { matchRoute } from './router.ts';
import { TelemetryHub } from './telemetry/hub.ts';
import { RuntimeStateMachine, type RuntimeStateName, type Transition, type TransitionResult } from './state.ts';
import type {
  ApiObservations,
  FaultInjection,
  InflightInvocation,
  InitOutcome,
  InvocationRequest,
  RuntimeApiState,
  RuntimeExchange,
  RuntimeResult,
} from './types.ts';

export interface RuntimeApiOptions {
  /** Always loopback by default; the network rule allows nothing else. */
  host?: string;
  /** 0 (default) picks a free port, like Lambda's per-sandbox endpoint. */
  port?: number;
  /** Record every exchange (default true). Off for timed benchmark phases. */
  record?: boolean;
  excerptBytes?: number;
  /** What the Extensions API tells a registering extension about the function. */
  extensionMetadata?: ExtensionFunctionMetadata;
  /** Lambda Managed Instances: up to this many invocations at once (managed/router.ts); absent: classic. */
  maxConcurrency?: number;
  /** SnapStart (AWS_LAMBDA_INITIALIZATION_TYPE=snap-start): serve the restore endpoints (restore.ts). */
  snapStart?: boolean;
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * The mock Runtime API (2018-06-01) of one execution environment. One instance per environment, on its
 * own loopback port, so parallel environments cannot see each other. Handlers live in ./handlers/,
 * one per endpoint, and see this class only as a RuntimeApiState; its other public methods are the
 * invoker's side.
 */
export class RuntimeApi implements RuntimeApiState {
  readonly log: ExchangeLog;
  readonly observations: ApiObservations = { overlappingNext: 0, nextBeforeResult: 0, abortedNext: 0, unknownRoutes: 0 };
  #machine = new RuntimeStateMachine();
  #generation = 0;
  #goneGeneration = -1;
  /** /next requests waiting for an event, oldest first. */
  #parked: RuntimeExchange[] = [];
  #inflight: Inflight | undefined;
  #currentRequestId: string | undefined;
  #init = deferred<InitOutcome>();
  #initResult: InitOutcome | undefined;
  #faults: Required<FaultInjection>[] = [];
  #endWaiters = new Set<EndWait>();
  #server: Http1Server | undefined;
  #address = '';

  /** The Extensions API (2020-01-01) on the same endpoint. */
  readonly extensions: ExtensionRegistry;
  /** The Telemetry API (2022-07-01) and Logs API (2020-08-15): subscribers and what they are sent. */
  readonly telemetry = new TelemetryHub();
  readonly #telemetryState: TelemetrySubscribeState;
  /** Managed-instances mode only: the invocations in flight and the idle workers (undefined: classic). */
  readonly managed: ManagedRouter | undefined;
  #restoreGate: RestoreGate | undefined;

  private constructor(options: RuntimeApiOptions) {
    this.log = new ExchangeLog(options.record ?? true, options.excerptBytes);
    this.extensions = new ExtensionRegistry(options.extensionMetadata ?? { functionName: 'function', functionVersion: '$LATEST', handler: '', accountId: '123456789012' });
    this.#telemetryState = telemetrySubscribeState(this.extensions, this.telemetry);
    this.managed = options.maxConcurrency === undefined ? undefined : new ManagedRouter(options.maxConcurrency);
    // Managed Instances: external extensions may register for SHUTDOWN only.
    if (this.managed) this.extensions.shutdownOnly = true;
    this.#restoreGate = options.snapStart === true ? new RestoreGate() : undefined;
  }

  static async start(options: RuntimeApiOptions = {}): Promise<RuntimeApi> {
    const api = new RuntimeApi(options);
    const host = options.host ?? '127.0.0.1';
    // A long-poll has no server-side timeout, and idle keep-alive connections stay open: the
    // transport has no timers at all.
    api.#server = await Http1Server.listen(host, options.port ?? 0, (req, res) => api.#dispatch(req, res), 'choose another port, or 0 for a free one');
    api.#address = `${host}:${api.#server.port}`;
    return api;
  }

  /** `host:port`, the value of AWS_LAMBDA_RUNTIME_API. */
  get address(): string {
    return this.#address;
  }

  get state(): RuntimeStateName {
    return this.#machine.state;
  }

  /** The request id of the last event delivered in this generation. */
  get currentRequestId(): string | undefined {
    if (this.managed) return this.managed.focusId;
    return this.#currentRequestId;
  }

  /** SnapStart only: this generation's restore (undefined in every other mode; api/restore.ts). */
  get restoreGate(): RestoreGate | undefined {
    return this.#restoreGate;
  }

  /** Which runtime process this is: 0 for the first init, +1 per re-init. */
  get generation(): number {
    return this.#generation;
  }

  /** The invocation handed to invoke(), until it is abandoned or the next one replaces it. */
  get inflight(): Inflight | undefined {
    return this.#inflight;
  }

  /** /next requests waiting for an event, oldest first. */
  get parked(): readonly RuntimeExchange[] {
    return this.#parked;
  }

  /** How this generation's init ended, once it has (read synchronously after a race). */
  get initResult(): InitOutcome | undefined {
    return this.#initResult;
  }

  /** Settles when the runtime ends init: its first /next, or /runtime/init/error. */
  initOutcome(): Promise<InitOutcome> {
    return this.#init.promise;
  }

  /**
   * A new runtime process is about to start (first init or a re-init after a reset): a fresh state
   * machine, no invocation in flight, nothing parked. Connections of the old process are cut.
   */
  beginGeneration(): void {
    if (this.#restoreGate) {
      this.#restoreGate.discard();
      this.#restoreGate = new RestoreGate();
    }
    this.managed?.reset();
    for (const ex of this.#parked) ex.res.destroy();
    this.#parked = [];
    this.#machine = new RuntimeStateMachine();
    this.#inflight = undefined;
    this.#currentRequestId = undefined;
    this.#init = deferred<InitOutcome>();
    this.#initResult = undefined;
    this.#generation += 1;
  }

  /** Hands an event to the runtime (now, or on its next /next) and settles with what it posts. */
  invoke(request: InvocationRequest): Promise<RuntimeResult> {
    if (this.#inflight && !this.#inflight.settled) {
      throw new Error('internal: one invocation at a time per execution environment');
    }
    const inflight = new Inflight(request);
    this.#inflight = inflight;
    const waiting = this.#parked.shift();
    if (waiting) this.deliver(waiting);
    return inflight.result;
  }

  /**
   * Settles when the runtime has called /next since posting its result (the invocation's end), or
   * after `ms`: a runtime may keep working after its post, or have exited.
   */
  whenInvocationEnded(ms: number): Promise<void> {
    if (this.#machine.state !== 'RuntimeResponseSentState') return Promise.resolve();
    return new EndWait(ms, this.#endWaiters).ended;
  }

  /**
   * The environment killed its runtime process to reset (a timeout, or an invocation that never
   * ended): the invocation is over, and what that process still sends belongs to no one.
   */
  runtimeKilled(): void {
    this.#goneGeneration = this.#generation;
    if (this.#inflight?.settled) this.#inflight = undefined;
  }

  get runtimeGone(): boolean {
    return this.#goneGeneration === this.#generation;
  }

  /** Forget the invocation in flight (it timed out, or the process died). */
  abandon(): void {
    this.#inflight = undefined;
  }

  /** The next `times` requests to `route` get a 500 (a runtime should exit promptly on one). */
  inject(fault: FaultInjection): void {
    this.#faults.push({ times: 1, ...fault });
    // A runtime usually parks on /next right after posting its result: a /next fault answers it too.
    if (fault.route !== 'next') return;
    for (const ex of [...this.#parked]) {
      if (!this.takeFault('next')) break;
      this.unpark(ex);
      ex.sendJson(500, internalServerError());
    }
  }

  async close(): Promise<void> {
    this.telemetry.close();
    if (!this.#server?.listening) return;
    this.managed?.reset();
    for (const ex of this.#parked) ex.res.destroy();
    this.#parked = [];
    this.#restoreGate?.discard();
    await this.#server.close();
  }

  // RuntimeApiState: what the handlers may do.

  transition(transition: Transition): TransitionResult {
    return this.#machine.apply(transition);
  }

  responseSent(): void {
    this.#machine.responseSent();
  }

  endInit(outcome: InitOutcome): void {
    this.#initResult ??= outcome;
    this.#init.resolve(outcome);
  }

  takeFault(route: FaultInjection['route']): boolean {
    if (this.#faults.length === 0) return false;
    const f = this.#faults.find((x) => x.route === route && x.times > 0);
    if (!f) return false;
    f.times -= 1;
    // Spent faults go, so an API with none pending skips the search (this runs twice per invoke).
    if (f.times === 0) this.#faults.splice(this.#faults.indexOf(f), 1);
    return true;
  }

  observe(what: keyof ApiObservations): void {
    this.observations[what] += 1;
  }

  get parkedCount(): number {
    return this.#parked.length;
  }

  park(ex: RuntimeExchange): void {
    this.#parked.push(ex);
  }

  unpark(ex: RuntimeExchange): boolean {
    const i = this.#parked.indexOf(ex);
    if (i === -1) return false;
    this.#parked.splice(i, 1);
    return true;
  }

  hasUndelivered(): boolean {
    const inflight = this.#inflight;
    return inflight !== undefined && !inflight.settled && inflight.deliveries === 0;
  }

  deliver(ex: RuntimeExchange): void {
    const inflight = this.#inflight;
    if (!inflight) throw new Error('internal: deliver without an invocation');
    if (this.#machine.state === 'RuntimeResponseSentState') this.#machine.apply('Ready');
    this.#machine.deliver();
    this.#currentRequestId = inflight.request.requestId;
    inflight.markDelivered();
    ex.send(200, renderInvokeHeaders(inflight.request), inflight.request.payload);
  }

  get streamingInvoke(): boolean {
    return this.#inflight?.request.stream?.callerStreams === true;
  }

  delivered(requestId: string): InflightInvocation | undefined {
    const inflight = this.#inflight;
    if (inflight === undefined || inflight.deliveries === 0 || requestId === '' || inflight.request.requestId !== requestId) return undefined;
    return inflight;
  }

  settle(invocation: InflightInvocation, result: RuntimeResult): void {
    // Identity, not a cast: an invocation abandoned meanwhile is no one's to settle.
    if (invocation === this.#inflight) this.#inflight.settle(result);
  }

  invocationEnded(): void {
    // RAPID releases the invocation here: a later post with its id is an unknown id (400), not a 403.
    if (this.#inflight?.settled) this.#inflight = undefined;
    if (this.#endWaiters.size === 0) return;
    for (const w of [...this.#endWaiters]) w.end();
  }

  #dispatch(req: Http1Request, res: Http1Response): void {
    const route = matchRoute(req.method, req.url, this.restoreGate !== undefined);
    const ex = new Exchange(this.log, this, req, res, route.name);
    if (this.managed && dispatchManaged(this.managed, this, ex, route)) return;
    switch (route.name) {
      case 'next':
        return handleNext(this, ex);
      case 'response':
      case 'error':
        return handleResult(this, ex, route.name, route.requestId);
      case 'restore-next':
        return handleRestoreNext(this, this.restoreGate as RestoreGate, ex);
      case 'restore-error':
        void handleRestoreError(this, this.restoreGate as RestoreGate, ex);
        return;
      case 'init-error':
        void handleInitError(this, ex);
        return;
      case 'ping':
        return handlePing(ex);
      case 'extension-register':
        void handleExtensionRegister(this.extensions, ex);
        return;
      case 'extension-next':
        return handleExtensionNext(this.extensions, ex);
      case 'telemetry-subscribe':
      case 'logs-subscribe':
        void handleTelemetrySubscribe(this.#telemetryState, ex, route.name === 'telemetry-subscribe' ? 'telemetry' : 'logs');
        return;
      case 'extension-init-error':
      case 'extension-exit-error':
        void handleExtensionError(this.extensions, ex, route.name === 'extension-init-error' ? 'InitError' : 'ExitError');
        return;
      case 'method-not-allowed':
      case 'not-found':
        return handleUnrouted(this, ex, route);
    }
  }
}
