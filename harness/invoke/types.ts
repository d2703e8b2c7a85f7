/** Public shapes of invoking: an environment's options, what a caller asks for and the InvocationRecord it gets back. */
import type { ExchangeRecord, InitErrorReport, InvocationRequest, ResponseStreamOptions, RuntimeResult } from '../api/types.ts';
import type { Driver, ExitInfo } from '../drivers/types.ts';
import type { AssembledFiles, FunctionConfig } from '../environment/types.ts';
import type { LifecycleEvent } from './lifecycle.ts';

export interface ExecutionEnvironmentOptions {
  files: AssembledFiles;
  driver: Driver;
  config: FunctionConfig;
  /** The manifest's `env` (unreserved variables only; validated when the manifest was read). */
  manifestEnv?: Record<string, string>;
  /** Harness-controlled variables set last, e.g. PROBE_INIT. */
  extraEnv?: Record<string, string>;
  /** Variables to leave out of the runtime's environment (to test that it tolerates their absence). */
  dropEnv?: string[];
  /** Parent folder of this environment's private /tmp. */
  workDir: string;
  /** The init phase budget of on-demand functions: 10 s. */
  initBudgetMs?: number;
  /** Record exchanges and logs (default true); off for timed benchmark phases. */
  record?: boolean;
  /** Record the HTTP exchanges (default: as `record`); `serve` keeps logs but has no use for exchanges. */
  recordExchanges?: boolean;
  /** Send Lambda-Runtime-Invocation-Id on /next, as RAPID does since mid-2026 (default true). */
  sendInvocationId?: boolean;
  /** After a failed cold init, re-run init inside the first invoke, as Lambda does (default true). */
  retryInitOnInvoke?: boolean;
  /** How long a runtime that posted /init/error may take to exit before it is killed. */
  initErrorExitGraceMs?: number;
  /**
   * Offer the runtime `_LAMBDA_TELEMETRY_LOG_FD` (a pipe), as Lambda does, and decode its frames
   * (default false; only drivers that can pass a descriptor: the process driver).
   */
  telemetryLogFd?: boolean;
  /** SIGTERM → this grace → SIGKILL at shutdown (0: SIGKILL at once, as Lambda without extensions). */
  shutdownGraceMs?: number;
  onLog?: (line: LogLine) => void;
  /** Each step of the environment's lifecycle as it happens (spawns, exits, the shutdown phase). */
  onLifecycle?: (event: LifecycleEvent) => void;
}

export interface LogLine {
  at: number;
  /**
   * 'telemetry': a record the runtime wrote to the telemetry log fd (one frame, newlines kept);
   * 'log-socket': a line written to the Managed Instances log socket (harness/invoke/log-socket.ts).
   */
  stream: 'stdout' | 'stderr' | 'platform' | 'telemetry' | 'log-socket';
  text: string;
  /**
   * The invocation in flight when the line arrived; undefined during init or between invocations.
   * With several in flight (Managed Instances): the invocation a JSON record names, if any.
   */
  requestId: string | undefined;
  generation: number;
  /** Set for a line of an external extension's process: its file name. */
  extension?: string;
  /**
   * When the runtime says it logged the record (a telemetry log fd frame's timestamp), in ms since
   * the epoch; unset for output lines, which are dated by their arrival.
   */
  loggedAt?: number;
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
   * Invoke as InvokeWithResponseStream does: the result is read as a stream, with Lambda's limits
   * (200 MB, the bandwidth rule) unless set here; `bandwidth: null` reads unshaped (benchmarks).
   */
  responseStream?: Partial<ResponseStreamOptions> | undefined;
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
