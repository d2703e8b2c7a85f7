import { now } from '../clock.ts';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BootspecError, ErrorCodes } from '../errors.ts';
import { internalServerError } from './errors.ts';
import { Exchange, type StateProbe } from './exchange.ts';
import { handleInitError } from './handlers/init-error.ts';
import { handleNext } from './handlers/next.ts';
import { handleResult } from './handlers/result.ts';
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
export interface Inflight {
  readonly request: InvocationRequest;
  deliveries: number;
  firstDeliveredAt: number | undefined;
  settle: (result: RuntimeResult) => void;
  settled: boolean;
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
  #endWaiters = new Set<() => void>();
  #server: Server;
  #address = '';

  private constructor(server: Server, options: RuntimeApiOptions) {
    this.#server = server;
    this.log = new ExchangeLog(options.record ?? true, options.excerptBytes);
  }

  static async start(options: RuntimeApiOptions = {}): Promise<RuntimeApi> {
    const server = createServer();
    const api = new RuntimeApi(server, options);
    // A long-poll has no server-side timeout (SPEC.md §1.3); idle keep-alive sockets stay open.
    server.requestTimeout = 0;
    server.headersTimeout = 0;
    server.keepAliveTimeout = 0;
    server.timeout = 0;
    server.on('request', (req, res) => api.#dispatch(req, res));
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          err.code === 'EADDRINUSE'
            ? new BootspecError(ErrorCodes.PORT_IN_USE, `port ${options.port} on ${host} is in use`, {
                hint: 'choose another port, or 0 for a free one',
              })
            : err,
        ),
      );
      server.listen(options.port ?? 0, host, () => resolve());
    });
    const addr = server.address() as AddressInfo;
    api.#address = `${host}:${addr.port}`;
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
    const d = deferred<RuntimeResult>();
    const inflight: Inflight = {
      request,
      deliveries: 0,
      firstDeliveredAt: undefined,
      settled: false,
      settle: (r) => {
        if (inflight.settled) return;
        inflight.settled = true;
        d.resolve(r);
      },
    };
    this.inflight = inflight;
    const waiting = this.parked.shift();
    if (waiting) this.deliver(waiting);
    return d.promise;
  }

  /**
   * Settles when the runtime has called /next since posting its result (the invocation's end,
   * SPEC.md §1.3), or after `ms`: a runtime may keep working after its post, or have exited.
   */
  whenInvocationEnded(ms: number): Promise<void> {
    if (this.machine.state !== 'RuntimeResponseSentState') return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#endWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.#endWaiters.add(done);
    });
  }

  /** Called by the /next handler when a runtime that posted its result asks for the next event. */
  invocationEnded(): void {
    for (const done of [...this.#endWaiters]) done();
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
    const f = this.#faults.find((x) => x.route === route && x.times > 0);
    if (!f) return false;
    f.times -= 1;
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
    if (!this.#server.listening) return;
    for (const ex of this.parked) ex.res.destroy();
    this.parked = [];
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #dispatch(req: IncomingMessage, res: ServerResponse): void {
    const route = matchRoute(req.method ?? 'GET', req.url ?? '/');
    const ex = new Exchange(this.log, this, req, res, route.name);
    switch (route.name) {
      case 'next':
        return handleNext(this, ex);
      case 'response':
      case 'error':
        void handleResult(this, ex, route.name, route.requestId);
        return;
      case 'init-error':
        void handleInitError(this, ex);
        return;
      case 'ping':
        return ex.send(200, ['Content-Type', 'text/plain; charset=utf-8'], 'pong');
      case 'method-not-allowed':
        this.observations.unknownRoutes += 1;
        req.resume();
        return ex.send(405, ['Allow', route.allow], '');
      case 'not-found':
        this.observations.unknownRoutes += 1;
        req.resume();
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

/** /next answer headers; like RAPID, an optional header is sent only when it has a value (SPEC.md §1.3). */
export function renderInvokeHeaders(r: InvocationRequest): string[] {
  const h: string[] = [];
  const add = (name: string, value: string | null) => {
    if (value === null || value === '') return;
    // Raw UTF-8 bytes on the wire, as Go's net/http writes them (Node would refuse chars above U+00FF).
    // ASCII is the same in both; only other values need the re-encoding (it is on every invoke's path).
    if (!ASCII.test(value)) value = Buffer.from(value, 'utf8').toString('latin1');
    h.push(r.headerCase === 'lower' ? name.toLowerCase() : r.headerCase === 'upper' ? name.toUpperCase() : name, value);
  };
  add(HEADER_NAMES.requestId, r.requestId);
  add(HEADER_NAMES.deadline, String(r.deadlineMs));
  add(HEADER_NAMES.arn, r.functionArn);
  add(HEADER_NAMES.trace, r.traceId);
  add(HEADER_NAMES.clientContext, r.clientContext);
  add(HEADER_NAMES.cognito, r.cognitoIdentity);
  add(HEADER_NAMES.tenant, r.tenantId);
  add(HEADER_NAMES.invocationId, r.invocationId);
  add(HEADER_NAMES.contentType, r.contentType || 'application/json');
  return h;
}
