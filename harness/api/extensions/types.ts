/**
 * Public shapes of the Extensions API (2020-01-01) of one execution environment: the events an
 * extension receives, its states, and the narrow view the extension endpoint handlers work through.
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html
 */
import type { RuntimeExchange } from '../types.ts';

/** The events an extension may subscribe to. */
export type ExtensionEventType = 'INVOKE' | 'SHUTDOWN';

/** Why an environment shuts down, as RAPID spells it (the docs capitalise it: compare case-insensitively). */
export type ShutdownReason = 'spindown' | 'timeout' | 'failure';

export interface InvokeEventBody {
  eventType: 'INVOKE';
  deadlineMs: number;
  requestId: string;
  invokedFunctionArn: string;
  tracing?: { type: 'X-Amzn-Trace-Id'; value: string };
}

export interface ShutdownEventBody {
  eventType: 'SHUTDOWN';
  deadlineMs: number;
  shutdownReason: ShutdownReason;
}

export type ExtensionEventBody = InvokeEventBody | ShutdownEventBody;

/**
 * An extension's state, after RAPID's agent states: an external one is Started until it registers;
 * Ready while it waits on event/next; Running while it works on an event; InitError / ExitError once
 * it reported one (nothing more is allowed); Exited once its process ended.
 */
export type ExtensionStateName = 'Started' | 'Registered' | 'Ready' | 'Running' | 'InitError' | 'ExitError' | 'Exited';

/** One extension as reports and scenarios see it. */
export interface ExtensionInfo {
  readonly id: string;
  readonly name: string;
  /** External: a file in /opt/extensions, its own process. Internal: registered from the runtime's process. */
  readonly external: boolean;
  readonly events: readonly ExtensionEventType[];
  readonly state: ExtensionStateName;
  /** The Lambda-Extension-Function-Error-Type it reported through init/error or exit/error. */
  readonly errorType: string | undefined;
  /** Events delivered to it, in order. */
  readonly delivered: readonly ExtensionEventBody[];
  readonly registeredAt: number | undefined;
}

/** What the function's configuration tells a registering extension. */
export interface ExtensionFunctionMetadata {
  functionName: string;
  functionVersion: string;
  handler: string;
  accountId: string;
}

/** The outcome of a register request, rendered by the handler. */
export type RegisterResult =
  | { ok: true; id: string; metadata: ExtensionFunctionMetadata }
  | { ok: false; errorType: string; errorMessage: string };

/** The outcome of init/error, exit/error or event/next before any event: an error to render, or none. */
export type ExtensionCallResult = { ok: true } | { ok: false; errorType: string; errorMessage: string };

/**
 * What an extension endpoint handler may see and do. Handlers get this and their exchange, nothing
 * else, so each can be tested alone.
 */
export interface ExtensionApiState {
  register(name: string, events: readonly string[]): RegisterResult;
  /** event/next: answers at once with a waiting event, or parks the exchange until one comes. */
  next(id: string, ex: RuntimeExchange): ExtensionCallResult;
  /** Lets go of a parked event/next (its client left). */
  unpark(id: string, ex: RuntimeExchange): void;
  /** init/error or exit/error. */
  reportError(id: string, which: 'InitError' | 'ExitError', errorType: string): ExtensionCallResult;
}
