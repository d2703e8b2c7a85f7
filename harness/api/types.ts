/**
 * Public shapes of the mock Runtime API: what the invoker hands it and what it records, and the
 * narrow view of its state that the endpoint handlers (handlers/) work through.
 */
import type { Http1Request, Http1Response } from './http1/types.ts';
import type { RuntimeStateName, Transition, TransitionResult } from './state.ts';

/** One HTTP exchange between the runtime and the mock, as a report shows it. */
export interface ExchangeRecord {
  seq: number;
  method: string;
  /** Path as sent, with the query string. */
  path: string;
  /** The route it matched ('next', 'response', 'error', 'init-error', 'unknown', …). */
  route: string;
  status: number;
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string>;
  requestBodyBytes: number;
  requestBodyExcerpt: string;
  responseBodyBytes: number;
  responseBodyExcerpt: string;
  /** Epoch ms when the request arrived, and just before the answer was written (or when the client left). */
  startedAt: number;
  endedAt: number;
  /** The request id of the invocation in flight when it arrived, if any. */
  requestId: string | undefined;
  /** True when the client went away before the mock answered (e.g. an aborted /next). */
  clientAborted: boolean;
  /** The runtime state before and after. */
  stateBefore: string;
  stateAfter: string;
  /** Which process generation (0 = first init, +1 per re-init) sent it. */
  generation: number;
}

/** What the invoker asks the Runtime API to deliver. `null` switches an optional header off. */
export interface InvocationRequest {
  payload: Buffer;
  contentType: string;
  requestId: string;
  functionArn: string;
  deadlineMs: number;
  traceId: string | null;
  clientContext: string | null;
  cognitoIdentity: string | null;
  tenantId: string | null;
  invocationId: string | null;
  /** How header names are spelled on /next (runtimes must treat them case-insensitively). */
  headerCase: 'canonical' | 'lower' | 'upper';
  /** Set when every header value above is known to be ASCII, so /next skips checking each (it runs per invoke). */
  asciiHeaders?: boolean;
  /** Set for a streaming invoke (InvokeWithResponseStream): how the result is read and passed on. */
  stream?: ResponseStreamOptions;
}

/** Lambda's bandwidth rule for streamed responses: a burst unshaped, then a steady rate. */
export interface BandwidthRule {
  burstBytes: number;
  bytesPerSecond: number;
}

/** How the mock reads a streamed result, and whom it tells as it arrives. */
export interface ResponseStreamOptions {
  /**
   * The caller invoked with streaming (InvokeWithResponseStream): every /response is read as a stream,
   * mode header or not. False: only a /response with the mode header `streaming` is (the callbacks
   * still run for it), as RAPID relays a streaming runtime's bytes to a buffered caller as they come.
   */
  callerStreams: boolean;
  /** Most bytes taken from the stream; one more ends it as Function.ResponseSizeTooLarge (Lambda: 200 MB). */
  maxBytes: number;
  /** null: read as fast as the runtime writes (benchmarks). */
  bandwidth: BandwidthRule | null;
  /** Bytes of the body kept in the record (the rest is counted and hashed). */
  keepBytes: number;
  /** The runtime's response headers, as soon as its /response arrives. */
  onStart?: (headers: Record<string, string>) => void;
  /** Each piece of the body as it arrives, before the next is read. */
  onChunk?: (piece: Buffer, at: number) => void;
  /** The stream ended (whole, cut, or short), before the invocation settles. */
  onEnd?: (stream: StreamedBody) => void;
}

/** One arrival of streamed bytes (pieces arriving within a millisecond are one arrival). */
export interface StreamArrival {
  at: number;
  bytes: number;
}

/** The error a runtime reported in the trailers of a streamed response. */
export interface StreamErrorTrailer {
  /** Lambda-Runtime-Function-Error-Type, as sent. */
  errorType: string | undefined;
  /** Lambda-Runtime-Function-Error-Body, as sent (base64). */
  rawBody: string | undefined;
  /** The body decoded: JSON, or why it is not. */
  body:
    | { kind: 'json'; value: unknown }
    | { kind: 'absent' }
    | { kind: 'not-base64' }
    | { kind: 'not-json'; text: string };
}

/** The HTTP-integration prelude (application/vnd.awslambda.http-integration-response) as found. */
export type PreludeReading =
  | { kind: 'ok'; prelude: unknown; preludeBytes: number }
  | { kind: 'not-json'; preludeBytes: number }
  | { kind: 'no-delimiter'; scannedBytes: number };

/** How a streamed body was read: every arrival, its end, its trailers. */
export interface StreamedBody {
  /** Lambda-Runtime-Function-Response-Mode as sent (undefined: absent). */
  mode: string | undefined;
  /** Transfer-Encoding as sent. */
  transferEncoding: string | undefined;
  /** Field names the runtime declared in its Trailer header (lower-case). */
  declaredTrailers: string[];
  arrivals: StreamArrival[];
  size: number;
  sha256: string;
  /** True when `payload` is the whole body (it holds at most keepBytes). */
  wholePayloadKept: boolean;
  /** 'oversized': past maxBytes, Lambda stopped reading; 'truncated': the body never ended. */
  end: 'complete' | 'oversized' | 'truncated';
  trailers: Record<string, string>;
  error: StreamErrorTrailer | undefined;
  prelude: PreludeReading | undefined;
  /** Total time reading was held back by the bandwidth rule. */
  shapedMs: number;
}

/** How the runtime finished an invocation, as seen by the Runtime API. */
export type RuntimeResult =
  | {
      kind: 'response';
      payload: Buffer;
      contentType: string | undefined;
      headers: Record<string, string>;
      at: number;
      /** Set when the body was read as a stream (mode header `streaming`, or a streaming invoke). */
      stream?: StreamedBody;
    }
  | {
      kind: 'error';
      payload: Buffer;
      contentType: string | undefined;
      errorTypeHeader: string | undefined;
      xrayCause: string | undefined;
      headers: Record<string, string>;
      at: number;
    }
  | { kind: 'too-large'; size: number; at: number };

/** What the runtime reported through /runtime/init/error. */
export interface InitErrorReport {
  payload: Buffer;
  contentType: string | undefined;
  errorTypeHeader: string | undefined;
  at: number;
}

/** A one-shot fault the mock injects, so suites can test a runtime's reaction. */
export interface FaultInjection {
  route: 'next' | 'response' | 'error' | 'init-error';
  status: 500;
  /** How many requests get it (default 1); `Infinity` for all. */
  times?: number;
}

/** Things the Runtime API notices that no status code shows (for scenarios). */
export interface ApiObservations {
  /** /next while a /next was already parked. */
  overlappingNext: number;
  /** /next while an event was in flight with no result posted (RAPID re-delivers it). */
  nextBeforeResult: number;
  /** /next that the client abandoned before an event came. */
  abortedNext: number;
  /** Requests to unknown paths or with wrong methods. */
  unknownRoutes: number;
}

/** How a generation's init ended: its first /next, or /runtime/init/error. */
export type InitOutcome = { kind: 'ready'; at: number } | { kind: 'init-error'; report: InitErrorReport };

/** Facts about the API's state that an exchange records before and after it is answered. */
export interface StateProbe {
  readonly state: string;
  readonly currentRequestId: string | undefined;
  readonly generation: number;
}

/** One request and the answer to it, as a handler sees it (exchange.ts records it as it is answered). */
export interface RuntimeExchange {
  readonly req: Http1Request;
  readonly res: Http1Response;
  /** The request body as read (undefined when none was kept), for the record. */
  noteRequestBody(body: Buffer | undefined, size: number): void;
  /**
   * Writes status, header name/value pairs (case kept as given) and body; once. `thenClose`: the
   * answer comes before the request body's end, the rest is dropped and the connection closes.
   */
  send(status: number, headers: string[], body: Buffer | string, thenClose?: boolean): void;
  /** A JSON body ending with a newline, as RAPID's Go encoder writes it. */
  sendJson(status: number, value: unknown, thenClose?: boolean): void;
}

/** An invocation the API was handed: delivered zero or more times (RAPID re-delivers), settled once. */
export interface InflightInvocation {
  readonly request: InvocationRequest;
  readonly deliveries: number;
  readonly settled: boolean;
}

/**
 * What an endpoint handler may see and do of one Runtime API. Handlers get this and their exchange,
 * nothing else: the state behind it changes only through these methods, so each handler can be
 * tested against a fake, and a new endpoint adds the methods it needs here.
 */
export interface RuntimeApiState extends StateProbe {
  readonly state: RuntimeStateName;
  /** Bumped per runtime process: a body that was still being read across a reset belongs to a dead one. */
  readonly generation: number;

  /** Applies a transition of the deny-by-default state machine, or reports the state that refused it. */
  transition(transition: Transition): TransitionResult;
  /** The result's answer is written: InvocationResponse | InvocationErrorResponse -> RuntimeResponseSentState. */
  responseSent(): void;
  /** This generation's init is over (first /next or init error); later calls change nothing. */
  endInit(outcome: InitOutcome): void;
  /** Consumes one injected fault for the route, if one is pending. */
  takeFault(route: FaultInjection['route']): boolean;
  /** Counts something no status code shows. */
  observe(what: keyof ApiObservations): void;

  /** /next requests waiting for an event. */
  readonly parkedCount: number;
  /** Holds a /next until an event comes (a long poll, no server-side timeout). */
  park(ex: RuntimeExchange): void;
  /** Lets go of a parked /next (its client left); false if it was not parked. */
  unpark(ex: RuntimeExchange): boolean;
  /** An invocation is waiting that no /next has been given yet. */
  hasUndelivered(): boolean;
  /** Answers a /next with the invocation in flight (again, if it was delivered before). */
  deliver(ex: RuntimeExchange): void;
  /** The invocation in flight is a streaming invoke (its result is read as a stream, whatever the mode header). */
  readonly streamingInvoke: boolean;
  /** The invocation in flight that was delivered under `requestId`, if any. */
  delivered(requestId: string): InflightInvocation | undefined;
  /** Hands the runtime's result to whoever invoked; once per invocation. */
  settle(invocation: InflightInvocation, result: RuntimeResult): void;
  /** A runtime that posted its result asked for the next event: that invocation is over, its id no longer in flight. */
  invocationEnded(): void;
  /**
   * The runtime process of this generation was killed by a reset (a timeout): a request it still
   * had open is from no live process. RAPID answers such a post as an unknown id and closes.
   */
  readonly runtimeGone: boolean;
  /** SnapStart only: this generation's restore phase (api/restore.ts). */
  readonly restoreGate?: RestorePhaseEnd | undefined;
}

/** How a SnapStart restore phase ended, as far as the Runtime API saw it (api/restore.ts). */
export type RestoreOutcome = { kind: 'ready'; at: number } | { kind: 'restore-error'; report: InitErrorReport };

/** What the /next handler may do to a restore in progress: end it. */
export interface RestorePhaseEnd {
  end(outcome: RestoreOutcome): void;
}
