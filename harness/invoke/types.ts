/** Public shapes of invoking: what a caller asks for and the InvocationRecord it gets back. */
import type { ExchangeRecord, InitErrorReport, InvocationRequest, RuntimeResult } from '../api/types.ts';
import type { ExitInfo } from '../drivers/types.ts';

export interface LogLine {
  at: number;
  stream: 'stdout' | 'stderr' | 'platform';
  text: string;
  /** The invocation in flight when the line arrived; undefined during init or between invocations. */
  requestId: string | undefined;
  generation: number;
}

/** What a caller may set for one invocation. `null` switches an optional /next header off. */
export interface InvokeOptions {
  /** The event: bytes or a string as is; anything else is JSON-encoded. Default `{}`. */
  event?: unknown;
  contentType?: string;
  requestId?: string;
  functionArn?: string;
  /** Undefined: a fresh X-Ray header is generated. */
  traceId?: string | null | undefined;
  /** Plain JSON (already decoded from the Invoke API's base64). */
  clientContext?: string | null;
  cognitoIdentity?: string | null;
  tenantId?: string | null;
  /** Undefined: the environment's default (a fresh nonce when `sendInvocationId`). */
  invocationId?: string | null;
  /** Overrides the function timeout for this invocation. */
  timeoutMs?: number;
  /** Overrides the Deadline-Ms header value only (the platform still enforces the timeout). */
  deadlineMs?: number;
  headerCase?: InvocationRequest['headerCase'];
  /**
   * Called as soon as the runtime posts its result, with what a synchronous caller gets: Lambda
   * answers the Invoke API then, while the invocation itself ends at the runtime's next /next.
   */
  onResponse?: ((requestId: string, response: InvocationRecord['response']) => void) | undefined;
}

export type InvocationOutcome =
  | 'success'
  | 'function-error'
  | 'response-too-large'
  | 'timeout'
  | 'runtime-exit'
  | 'init-error'
  | 'init-timeout';

/** How an init attempt ended. */
export type InitAttempt =
  | { kind: 'ready'; generation: number; durationMs: number }
  | { kind: 'init-error'; generation: number; durationMs: number; report: InitErrorReport; exitedWithinMs: number | undefined; exit: ExitInfo | undefined }
  | { kind: 'exit'; generation: number; durationMs: number; exit: ExitInfo }
  | { kind: 'timeout'; generation: number; durationMs: number };

/** Everything known about one invocation, as scenarios and reports read it. */
export interface InvocationRecord {
  requestId: string;
  outcome: InvocationOutcome;
  /** What a synchronous caller of the Invoke API gets. */
  response: {
    payload: Buffer;
    contentType: string;
    /** `Unhandled` for any failed invocation, as the Invoke API's X-Amz-Function-Error. */
    functionError: 'Unhandled' | undefined;
  };
  /** errorType of a failed invocation (from the error body, else the platform's). */
  errorType: string | undefined;
  /** What the runtime posted, if it posted anything. */
  runtimeResult: RuntimeResult | undefined;
  /** The init attempts this invocation waited for (cold start, suppressed init). */
  inits: InitAttempt[];
  exit: ExitInfo | undefined;
  coldStart: boolean;
  suppressedInit: boolean;
  /** How many times /next handed this event out (more than 1: /next before a result). */
  deliveries: number;
  generation: number;
  request: InvocationRequest;
  timings: {
    queuedAt: number;
    startedAt: number;
    deliveredAt: number | undefined;
    resultAt: number | undefined;
    completedAt: number;
    durationMs: number;
    initDurationMs: number | undefined;
    billedDurationMs: number;
  };
  maxMemoryUsedMb: number | undefined;
  exchanges: ExchangeRecord[];
  logs: LogLine[];
}
