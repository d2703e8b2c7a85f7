/** Public shapes of the mock Runtime API: what the invoker hands it and what it records. */

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
  /** Epoch ms when the request arrived and when the answer was written (or the client left). */
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
}

/** How the runtime finished an invocation, as seen by the Runtime API. */
export type RuntimeResult =
  | { kind: 'response'; payload: Buffer; contentType: string | undefined; headers: Record<string, string>; at: number }
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
