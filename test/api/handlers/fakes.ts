/**
 * Fakes for testing one endpoint handler alone: a RuntimeApiState that keeps a real state machine and
 * writes down every call, and the transport's request and response without a socket.
 */
import { randomUUID } from 'node:crypto';
import { Exchange } from '../../../harness/api/exchange.ts';
import type { BodyResult, BodyStreamSink, Http1ChunkedBody, Http1Request, Http1Response } from '../../../harness/api/http1/types.ts';
import { ExchangeLog } from '../../../harness/api/recorder.ts';
import { RuntimeStateMachine, type RuntimeStateName, type Transition, type TransitionResult } from '../../../harness/api/state.ts';
import type {
  ApiObservations,
  FaultInjection,
  InflightInvocation,
  InitOutcome,
  RuntimeApiState,
  RuntimeExchange,
  RuntimeResult,
} from '../../../harness/api/types.ts';
import { invocation } from '../helpers.ts';

/** The answer a handler wrote, read back without a wire. */
export class FakeResponse implements Http1Response {
  statusCode = 0;
  answered = false;
  closed = false;
  destroyed = false;
  headers: string[] = [];
  body: Buffer | string = '';
  #abandoned: (() => void)[] = [];

  send(status: number, headers: readonly string[], body: Buffer | string): void {
    if (this.answered || this.closed) return;
    this.answered = true;
    this.statusCode = status;
    this.headers = [...headers];
    this.body = body;
  }

  destroy(): void {
    this.destroyed = true;
    this.closed = true;
  }

  startChunked(status: number, headers: readonly string[]): Http1ChunkedBody {
    this.send(status, headers, '');
    return {
      write: (data) => {
        this.body = Buffer.concat([Buffer.from(this.body), Buffer.from(data)]);
      },
      end() {},
    };
  }

  closedAfterAnswer = false;
  sendAndClose(status: number, headers: readonly string[], body: Buffer | string): void {
    this.send(status, headers, body);
    this.closedAfterAnswer = true;
  }

  onAbandoned(callback: () => void): void {
    if (!this.answered) this.#abandoned.push(callback);
  }

  /** The client goes away before an answer. */
  abandon(): void {
    this.closed = true;
    if (!this.answered) for (const cb of this.#abandoned.splice(0)) cb();
  }

  get json(): unknown {
    return JSON.parse(this.body.toString());
  }
}

/** A request whose body ends when the test says so (`end`), or at once when one is given up front. */
export class FakeRequest implements Http1Request {
  readonly method: string;
  readonly url: string;
  readonly httpVersion = '1.1' as const;
  readonly headers: Record<string, string>;
  limit: number | undefined;
  #done: ((body: BodyResult) => void) | undefined;
  #body: BodyResult | undefined;

  constructor(method: string, url: string, headers: Record<string, string> = {}, body?: BodyResult) {
    this.method = method;
    this.url = url;
    this.headers = headers;
    this.#body = body;
  }

  readBody(limit: number): Promise<BodyResult> {
    return new Promise((resolve) => this.onBody(limit, resolve));
  }

  onBody(limit: number, done: (body: BodyResult) => void): void {
    this.limit = limit;
    if (this.#body) done(this.#body);
    else this.#done = done;
  }

  /** The sink a streaming handler asked for; the test feeds it. */
  stream: BodyStreamSink | undefined;
  paused = false;
  onStream(sink: BodyStreamSink): void {
    this.stream = sink;
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }

  /** Ends a body that was not given up front. */
  end(body: BodyResult): void {
    const done = this.#done;
    if (!done) throw new Error('test: the handler did not ask for the body');
    this.#done = undefined;
    done(body);
  }
}

export const okBody = (text: string): BodyResult => ({ kind: 'ok', body: Buffer.from(text), size: Buffer.byteLength(text), trailers: {} });

/** The fake's side of an invocation. */
export class FakeInvocation implements InflightInvocation {
  readonly request = invocation({ requestId: randomUUID() });
  deliveries = 0;
  settled = false;
}

/** A RuntimeApiState with a real state machine; it writes down what the handler asked of it. */
export class FakeApiState implements RuntimeApiState {
  readonly machine = new RuntimeStateMachine();
  generation = 0;
  runtimeGone = false;
  currentRequestId: string | undefined;
  readonly calls: string[] = [];
  readonly observed: Partial<Record<keyof ApiObservations, number>> = {};
  readonly faults = new Set<FaultInjection['route']>();
  readonly parkedExchanges: RuntimeExchange[] = [];
  readonly deliveredTo: RuntimeExchange[] = [];
  inflight: FakeInvocation | undefined;
  streamingInvoke = false;
  initOutcome: InitOutcome | undefined;
  settled: { invocation: InflightInvocation; result: RuntimeResult; answeredFirst: boolean } | undefined;
  /** The response of the exchange being handled, to see whether the answer went out before settle. */
  response: FakeResponse | undefined;

  /** Walks the real machine to `state` the way requests would. */
  static in(state: RuntimeStateName): FakeApiState {
    const api = new FakeApiState();
    const path: Record<RuntimeStateName, (() => void)[]> = {
      Started: [],
      InitError: [() => api.machine.apply('InitError')],
      Ready: [() => api.machine.apply('Ready')],
      Running: [() => api.machine.apply('Ready'), () => api.machine.deliver()],
      InvocationResponse: [() => api.machine.apply('Ready'), () => api.machine.deliver(), () => api.machine.apply('InvocationResponse')],
      InvocationErrorResponse: [() => api.machine.apply('Ready'), () => api.machine.deliver(), () => api.machine.apply('InvocationErrorResponse')],
      RuntimeResponseSentState: [
        () => api.machine.apply('Ready'),
        () => api.machine.deliver(),
        () => api.machine.apply('InvocationResponse'),
        () => api.machine.responseSent(),
      ],
      RestoreReady: [() => api.machine.apply('RestoreReady')],
      Restoring: [() => api.machine.apply('RestoreReady'), () => api.machine.apply('Restoring')],
      RuntimeRestoreErrorState: [() => api.machine.apply('RestoreReady'), () => api.machine.apply('Restoring'), () => api.machine.apply('RestoreError')],
    };
    for (const step of path[state]) step();
    return api;
  }

  /** An invocation the fake has delivered (`deliveries` 1), as the result handler expects to find it. */
  withDelivered(): FakeInvocation {
    const inv = new FakeInvocation();
    inv.deliveries = 1;
    this.inflight = inv;
    this.currentRequestId = inv.request.requestId;
    return inv;
  }

  get state(): RuntimeStateName {
    return this.machine.state;
  }

  transition(transition: Transition): TransitionResult {
    this.calls.push(`transition:${transition}`);
    return this.machine.apply(transition);
  }

  responseSent(): void {
    this.calls.push('responseSent');
    this.machine.responseSent();
  }

  endInit(outcome: InitOutcome): void {
    this.calls.push(`endInit:${outcome.kind}`);
    this.initOutcome ??= outcome;
  }

  takeFault(route: FaultInjection['route']): boolean {
    return this.faults.delete(route);
  }

  observe(what: keyof ApiObservations): void {
    this.observed[what] = (this.observed[what] ?? 0) + 1;
  }

  get parkedCount(): number {
    return this.parkedExchanges.length;
  }

  park(ex: RuntimeExchange): void {
    this.calls.push('park');
    this.parkedExchanges.push(ex);
  }

  unpark(ex: RuntimeExchange): boolean {
    this.calls.push('unpark');
    const i = this.parkedExchanges.indexOf(ex);
    if (i === -1) return false;
    this.parkedExchanges.splice(i, 1);
    return true;
  }

  hasUndelivered(): boolean {
    return this.inflight !== undefined && !this.inflight.settled && this.inflight.deliveries === 0;
  }

  deliver(ex: RuntimeExchange): void {
    this.calls.push('deliver');
    this.deliveredTo.push(ex);
  }

  delivered(requestId: string): InflightInvocation | undefined {
    this.calls.push(`delivered:${requestId}`);
    return this.inflight?.deliveries && this.inflight.request.requestId === requestId ? this.inflight : undefined;
  }

  settle(invocation: InflightInvocation, result: RuntimeResult): void {
    this.calls.push('settle');
    this.settled = { invocation, result, answeredFirst: this.response?.answered === true };
  }

  invocationEnded(): void {
    this.calls.push('invocationEnded');
  }
}

/** One exchange as the API would make it (recording off), over a fake request and response. */
export function exchange(api: FakeApiState, req: FakeRequest, route: string): { ex: Exchange; res: FakeResponse } {
  const res = new FakeResponse();
  api.response = res;
  return { ex: new Exchange(new ExchangeLog(false), api, req, res, route), res };
}
