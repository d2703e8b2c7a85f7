import { now } from '../clock.ts';
import { internalServerError } from './errors.ts';
import { Exchange, type StateProbe } from './exchange.ts';
import { handleInitError } from './handlers/init-error.ts';
import { handleNext } from './handlers/next.ts';
import { handleResult } from './handlers/result.ts';
import { Http1Server } from './http1/server.ts';
import type { Http1Request, Http1Response } from './http1/types.ts';
import { ExchangeLog } from './recorder.ts';
import { matchRoute } from './router.ts';
import { RuntimeStateMachine, type RuntimeStateName } from './state.ts';
import type { ApiObservations, FaultInjection, InitErrorReport, InvocationRequest, RuntimeResult } from './types.ts';

export interface RuntimeApiOptions {
  /** Always loopback by default; the network rule allows nothing else. */
  host?: string;
  /** 0 (default) picks a free port, like Lambda's per-sandbox endpoint. */
  port?: number;
  /** Record every exchange (default true). Off for timed benchmark phases. */
  record?: boolean;
  excerptBytes?: number;
}

export type InitOutcome = { kind: 'ready'; at: number } | { kind: 'init-error'; report: InitErrorReport };

/** The invocation the API is working on: delivered zero or more times, settled once. */
export class Inflight {
  readonly request: InvocationRequest;
  deliveries = 0;
  firstDeliveredAt: number | undefined;
  settled = false;
  readonly result: Promise<RuntimeResult>;
  #resolve!: (r: RuntimeResult) => void;

  constructor(request: InvocationRequest) {
    this.request = request;
    this.result = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  settle(result: RuntimeResult): void {
    if (this.settled) return;
    this.settled = true;
    this.#resolve(result);
  }
}

/** One bounded wait for the invocation's end (a class, not closures: it runs per recorded invoke). */
class EndWait {
  readonly ended: Promise<void>;
  #resolve!: () => void;
  #timer: NodeJS.Timeout;
  #waiters: Set<EndWait>;

  constructor(ms: number, waiters: Set<EndWait>) {
    this.ended = new Promise((resolve) => {
      this.#resolve = resolve;
    });
    this.#waiters = waiters;
    this.#timer = setTimeout(() => this.end(), ms);
    this.#timer.unref();
    waiters.add(this);
  }

  end(): void {
    clearTimeout(this.#timer);
    this.#waiters.delete(this);
    this.#resolve();
  }
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
 * one per endpoint; this class holds the state they share and the invoker's side of it.
 */
export class RuntimeApi implements StateProbe {
  readonly log: ExchangeLog;
  readonly observations: ApiObservations = { overlappingNext: 0, nextBeforeResult: 0, abortedNext: 0, unknownRoutes: 0 };
  machine = new RuntimeStateMachine();
  generation = 0;
  /** /next requests waiting for an event, oldest first. */
  parked: Exchange[] = [];
  inflight: Inflight | undefined;
  #currentRequestId: string | undefined;
  #init = deferred<InitOutcome>();
  /** How this generation's init ended, once it has (read synchronously after a race). */
  initResult: InitOutcome | undefined;
  #faults: Required<FaultInjection>[] = [];
  #endWaiters = new Set<EndWait>();
  #server: Http1Server | undefined;
  #address = '';

  private constructor(options: RuntimeApiOptions) {
    this.log = new ExchangeLog(options.record ?? true, options.excerptBytes);
  }

  static async start(options: RuntimeApiOptions = {}): Promise<RuntimeApi> {
    const api = new RuntimeApi(options);
    const host = options.host ?? '127.0.0.1';
    // A long-poll has no server-side timeout (SPEC.md §1.3), and idle keep-alive connections stay open:
    // the transport has no timers at all.
    api.#server = await Http1Server.listen(host, options.port ?? 0, (req, res) => api.#dispatch(req, res), 'choose another port, or 0 for a free one');
    api.#address = `${host}:${api.#server.port}`;
    return api;
  }

  /** `host:port`, the value of AWS_LAMBDA_RUNTIME_API. */
  get address(): string {
    return this.#address;
  }

  get state(): RuntimeStateName {
    return this.machine.state;
  }

  get currentRequestId(): string | undefined {
    return this.#currentRequestId;
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
    for (const ex of this.parked) ex.res.destroy();
    this.parked = [];
    this.machine = new RuntimeStateMachine();
    this.inflight = undefined;
    this.#currentRequestId = undefined;
    this.#init = deferred<InitOutcome>();
    this.initResult = undefined;
    this.generation += 1;
  }

  /** Hands an event to the runtime (now, or on its next /next) and settles with what it posts. */
  invoke(request: InvocationRequest): Promise<RuntimeResult> {
    if (this.inflight && !this.inflight.settled) {
      throw new Error('internal: one invocation at a time per execution environment');
    }
    const inflight = new Inflight(request);
    this.inflight = inflight;
    const waiting = this.parked.shift();
    if (waiting) this.deliver(waiting);
    return inflight.result;
  }

  /**
   * Settles when the runtime has called /next since posting its result (the invocation's end,
   * SPEC.md §1.3), or after `ms`: a runtime may keep working after its post, or have exited.
   */
  whenInvocationEnded(ms: number): Promise<void> {
    if (this.machine.state !== 'RuntimeResponseSentState') return Promise.resolve();
    return new EndWait(ms, this.#endWaiters).ended;
  }

  /** Called by the /next handler when a runtime that posted its result asks for the next event. */
  invocationEnded(): void {
    if (this.#endWaiters.size === 0) return;
    for (const w of [...this.#endWaiters]) w.end();
  }

  /** Forget the invocation in flight (it timed out, or the process died). */
  abandon(): void {
    this.inflight = undefined;
  }

  /** The next `times` requests to `route` get a 500 (SPEC.md §1.3 "Runtime should exit promptly"). */
  inject(fault: FaultInjection): void {
    this.#faults.push({ times: 1, ...fault });
    // A runtime usually parks on /next right after posting its result: a /next fault answers it too.
    if (fault.route !== 'next') return;
    for (const ex of [...this.parked]) {
      if (!this.takeFault('next')) break;
      this.parked.splice(this.parked.indexOf(ex), 1);
      ex.sendJson(500, internalServerError());
    }
  }

  /** Consumes one injected fault for `route`, if any. */
  takeFault(route: FaultInjection['route']): boolean {
    if (this.#faults.length === 0) return false;
    const f = this.#faults.find((x) => x.route === route && x.times > 0);
    if (!f) return false;
    f.times -= 1;
    // Spent faults go, so an API with none pending skips the search (this runs twice per invoke).
    if (f.times === 0) this.#faults.splice(this.#faults.indexOf(f), 1);
    return true;
  }

  /** Writes the in-flight event as the answer to a parked /next. */
  deliver(ex: Exchange): void {
    const inflight = this.inflight;
    if (!inflight) throw new Error('internal: deliver without an invocation');
    if (this.machine.state === 'RuntimeResponseSentState') this.machine.apply('Ready');
    this.machine.deliver();
    this.#currentRequestId = inflight.request.requestId;
    inflight.deliveries += 1;
    inflight.firstDeliveredAt ??= now();
    ex.send(200, renderInvokeHeaders(inflight.request), inflight.request.payload);
  }

  resolveInit(outcome: InitOutcome): void {
    this.initResult ??= outcome;
    this.#init.resolve(outcome);
  }

  async close(): Promise<void> {
    if (!this.#server?.listening) return;
    for (const ex of this.parked) ex.res.destroy();
    this.parked = [];
    await this.#server.close();
  }

  #dispatch(req: Http1Request, res: Http1Response): void {
    const route = matchRoute(req.method, req.url);
    const ex = new Exchange(this.log, this, req, res, route.name);
    switch (route.name) {
      case 'next':
        return handleNext(this, ex);
      case 'response':
      case 'error':
        return handleResult(this, ex, route.name, route.requestId);
      case 'init-error':
        void handleInitError(this, ex);
        return;
      case 'ping':
        return ex.send(200, ['Content-Type', 'text/plain; charset=utf-8'], 'pong');
      case 'method-not-allowed':
        this.observations.unknownRoutes += 1;
        return ex.send(405, ['Allow', route.allow], '');
      case 'not-found':
        this.observations.unknownRoutes += 1;
        // Go's http.NotFound, which RAPID's router uses.
        return ex.send(404, ['Content-Type', 'text/plain; charset=utf-8', 'X-Content-Type-Options', 'nosniff'], '404 page not found\n');
    }
  }
}

const HEADER_NAMES = {
  requestId: 'Lambda-Runtime-Aws-Request-Id',
  deadline: 'Lambda-Runtime-Deadline-Ms',
  arn: 'Lambda-Runtime-Invoked-Function-Arn',
  trace: 'Lambda-Runtime-Trace-Id',
  clientContext: 'Lambda-Runtime-Client-Context',
  cognito: 'Lambda-Runtime-Cognito-Identity',
  tenant: 'Lambda-Runtime-Aws-Tenant-Id',
  invocationId: 'Lambda-Runtime-Invocation-Id',
  contentType: 'Content-Type',
} as const;

const ASCII = /^[\x00-\x7f]*$/;
type HeaderNames = Record<keyof typeof HEADER_NAMES, string>;
const spelled = (spell: (name: string) => string) =>
  Object.fromEntries(Object.entries(HEADER_NAMES).map(([k, v]) => [k, spell(v)])) as HeaderNames;
/** Header names spelled for each InvocationRequest.headerCase. */
const NAMES: Record<InvocationRequest['headerCase'], HeaderNames> = {
  canonical: spelled((n) => n),
  lower: spelled((n) => n.toLowerCase()),
  upper: spelled((n) => n.toUpperCase()),
};

/** /next answer headers; like RAPID, an optional header is sent only when it has a value (SPEC.md §1.3). */
export function renderInvokeHeaders(r: InvocationRequest): string[] {
  const n = NAMES[r.headerCase];
  const ascii = r.asciiHeaders === true;
  const h: string[] = [];
  addHeader(h, n.requestId, r.requestId, ascii);
  h.push(n.deadline, String(r.deadlineMs));
  addHeader(h, n.arn, r.functionArn, ascii);
  addHeader(h, n.trace, r.traceId, ascii);
  addHeader(h, n.clientContext, r.clientContext, ascii);
  addHeader(h, n.cognito, r.cognitoIdentity, ascii);
  addHeader(h, n.tenant, r.tenantId, ascii);
  addHeader(h, n.invocationId, r.invocationId, ascii);
  addHeader(h, n.contentType, r.contentType || 'application/json', ascii);
  return h;
}

function addHeader(h: string[], name: string, value: string | null, ascii: boolean): void {
  if (value === null || value === '') return;
  // Raw UTF-8 bytes on the wire, as Go's net/http writes them (the transport writes header text as
  // latin1). ASCII is the same in both; only other values need the re-encoding.
  h.push(name, ascii || ASCII.test(value) ? value : Buffer.from(value, 'utf8').toString('latin1'));
}
