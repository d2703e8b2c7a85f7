/**
 * The Extensions API's state for one execution environment, after RAPID's registration service and
 * agent state machines (aws-lambda-runtime-interface-emulator@4fa21571 internal/lambda/core/
 * registrations.go, externalagent_states.go, internalagent_states.go): registration open during
 * init only, at most 10 extensions, event/next as a long poll, INVOKE and SHUTDOWN events queued per
 * extension, and "ready" = every registered extension waiting on event/next with nothing queued.
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html
 */
import { randomUUID } from 'node:crypto';
import { now } from '../../clock.ts';
import type { InvocationRequest, RuntimeExchange } from '../types.ts';
import { EVENT_ID_HEADER, ExtensionErrorType, MAX_EXTENSIONS, transitionFailed } from './errors.ts';
import type {
  ExtensionApiState,
  ExtensionCallResult,
  ExtensionEventBody,
  ExtensionEventType,
  ExtensionFunctionMetadata,
  ExtensionInfo,
  ExtensionStateName,
  RegisterResult,
  ShutdownReason,
} from './types.ts';

class Extension implements ExtensionInfo {
  readonly id = randomUUID();
  readonly name: string;
  readonly external: boolean;
  events: ExtensionEventType[] = [];
  state: ExtensionStateName;
  errorType: string | undefined;
  readonly delivered: ExtensionEventBody[] = [];
  readonly queue: ExtensionEventBody[] = [];
  parked: RuntimeExchange | undefined;
  registeredAt: number | undefined;

  constructor(name: string, external: boolean) {
    this.name = name;
    this.external = external;
    this.state = external ? 'Started' : 'Registered';
  }

  /** Done with its last event and waiting for the next. */
  get ready(): boolean {
    return this.state === 'Ready' && this.queue.length === 0;
  }
}

function validateEvent(e: string, external: boolean): string | undefined {
  if (e === 'INVOKE') return undefined;
  if (e === 'SHUTDOWN') return external ? undefined : 'ShutdownEventNotSupportedForInternalExtension';
  return 'ErrorInvalidEventType';
}

/** Go's uuid.UUID.String() of an identifier as sent: lower case, dashed. */
function canonicalId(s: string): string {
  let t = s.toLowerCase();
  if (t.startsWith('urn:uuid:')) t = t.slice(9);
  if (t.startsWith('{') && t.endsWith('}')) t = t.slice(1, -1);
  if (t.length === 32) t = `${t.slice(0, 8)}-${t.slice(8, 12)}-${t.slice(12, 16)}-${t.slice(16, 20)}-${t.slice(20)}`;
  return t;
}

export class ExtensionRegistry implements ExtensionApiState {
  readonly #metadata: ExtensionFunctionMetadata;
  /**
   * Lambda Managed Instances: extensions may register for SHUTDOWN only (403 Extension.InvalidEventType otherwise).
   * https://github.com/aws/aws-lambda-runtime-interface-emulator/blob/4fa21571526087e3a0076b9fecf67a79e3927994/internal/lambda-managed-instances/core/externalagent.go
   */
  shutdownOnly = false;
  #byId = new Map<string, Extension>();
  #external = new Map<string, Extension>();
  #open = true;
  #subscriptionsOpen = true;
  #waiters = new Set<() => void>();

  constructor(metadata: ExtensionFunctionMetadata) {
    this.#metadata = metadata;
  }

  /** Every extension of this generation: registered ones, and external ones still Started. */
  get extensions(): readonly ExtensionInfo[] {
    return [...this.#external.values(), ...[...this.#byId.values()].filter((e) => !e.external)];
  }

  /** Registered and not failed: the ones init and every invocation wait for. */
  get registered(): readonly ExtensionInfo[] {
    return [...this.#byId.values()].filter((e) => e.state !== 'Started');
  }

  /** True when any extension registered (checked per invoke: no allocation). */
  get anyRegistered(): boolean {
    if (this.#byId.size === 0) return false;
    for (const e of this.#byId.values()) if (e.state !== 'Started') return true;
    return false;
  }

  /** Telemetry and Logs API subscriptions: open until every registered extension is ready, past the runtime's readiness. */
  get subscriptionsOpen(): boolean {
    return this.#subscriptionsOpen;
  }

  /**
   * A new generation (first init or a re-init after a reset): the external extensions about to be
   * started, by file name; every earlier registration and parked call is gone.
   */
  beginGeneration(externalNames: readonly string[]): void {
    for (const e of this.#byId.values()) e.parked?.res.destroy();
    this.#byId.clear();
    this.#external.clear();
    this.#open = true;
    this.#subscriptionsOpen = true;
    for (const name of externalNames) {
      const e = new Extension(name, true);
      this.#external.set(name, e);
      this.#byId.set(e.id, e);
    }
    this.#wake();
  }

  /** A registered extension by its identifier (any spelling Go's uuid.Parse takes), for the Telemetry API. */
  find(id: string): ExtensionInfo | undefined {
    const e = this.#byId.get(canonicalId(id));
    return e && e.state !== 'Started' ? e : undefined;
  }

  /** Init is over (RAPID turns registration off once the runtime is ready). */
  closeRegistration(): void {
    this.#open = false;
  }

  /**
   * Init is over for the extensions too: RAPID turns the Telemetry and Logs API subscriptions off
   * only after every registered extension is ready (rapid/handlers.go doInit), so an extension may
   * subscribe after the runtime's first /next, before its own first event/next.
   */
  closeSubscriptions(): void {
    this.#subscriptionsOpen = false;
  }

  /** True when every external extension started has registered (or failed). */
  get externalsRegistered(): boolean {
    for (const e of this.#external.values()) if (e.state === 'Started') return false;
    return true;
  }

  /** The first extension that reported init/error or exit/error, if any. */
  get failed(): ExtensionInfo | undefined {
    for (const e of this.#byId.values()) if (e.state === 'InitError' || e.state === 'ExitError') return e;
    return undefined;
  }

  /** True when every registered extension waits on event/next with nothing queued. */
  get allReady(): boolean {
    for (const e of this.#byId.values()) if (e.state !== 'Started' && e.state !== 'Exited' && !e.ready) return false;
    return true;
  }

  /** Resolves at the next change of any extension's state (the caller re-checks what it waits for). */
  changed(): Promise<void> {
    return new Promise((resolve) => this.#waiters.add(resolve));
  }

  /** An external extension's process ended. */
  exited(name: string): void {
    const e = this.#external.get(name);
    if (!e) return;
    e.parked = undefined;
    e.state = 'Exited';
    this.#wake();
  }

  /** INVOKE to every extension subscribed to it. */
  dispatchInvoke(request: InvocationRequest): void {
    for (const e of this.#byId.values()) {
      if (!e.events.includes('INVOKE') || e.state === 'Started' || e.state === 'Exited') continue;
      const body: ExtensionEventBody = {
        eventType: 'INVOKE',
        deadlineMs: request.deadlineMs,
        requestId: request.requestId,
        invokedFunctionArn: request.functionArn,
        ...(request.traceId ? { tracing: { type: 'X-Amzn-Trace-Id', value: request.traceId } as const } : {}),
      };
      this.#enqueue(e, body);
    }
  }

  /** SHUTDOWN to every extension subscribed to it; returns how many got it. */
  dispatchShutdown(reason: ShutdownReason, deadlineMs: number): number {
    let n = 0;
    for (const e of this.#byId.values()) {
      if (!e.events.includes('SHUTDOWN') || e.state === 'Started' || e.state === 'Exited') continue;
      this.#enqueue(e, { eventType: 'SHUTDOWN', deadlineMs: Math.floor(deadlineMs), shutdownReason: reason });
      n += 1;
    }
    return n;
  }

  // ExtensionApiState: what the handlers may do.

  register(name: string, events: readonly string[]): RegisterResult {
    const external = this.#external.get(name);
    for (const ev of events) {
      const why = this.shutdownOnly && ev !== 'SHUTDOWN' ? 'ErrorInvalidEventType' : validateEvent(ev, external !== undefined);
      if (why) return { ok: false, errorType: ExtensionErrorType.InvalidEventType, errorMessage: `${ev}: ${why}` };
    }
    let e = external;
    if (e) {
      if (e.state !== 'Started') return { ok: false, errorType: ExtensionErrorType.InvalidState, errorMessage: transitionFailed(e.state, 'Registered', name) };
    } else {
      if (!this.#open) return { ok: false, errorType: ExtensionErrorType.RegistrationClosed, errorMessage: 'Extension registration closed already' };
      if (this.#byId.size >= MAX_EXTENSIONS) return { ok: false, errorType: ExtensionErrorType.TooManyExtensions, errorMessage: `Extension limit (${MAX_EXTENSIONS}) reached` };
      for (const other of this.#byId.values()) {
        if (!other.external && other.name === name) return { ok: false, errorType: ExtensionErrorType.InvalidState, errorMessage: 'Extension with this name already registered' };
      }
      e = new Extension(name, false);
      this.#byId.set(e.id, e);
    }
    e.events = [...new Set(events as ExtensionEventType[])];
    e.state = 'Registered';
    e.registeredAt = now();
    this.#wake();
    return { ok: true, id: e.id, metadata: this.#metadata };
  }

  next(id: string, ex: RuntimeExchange): ExtensionCallResult {
    const e = this.#byId.get(canonicalId(id));
    if (!e || e.state === 'Started') return { ok: false, errorType: ExtensionErrorType.UnknownIdentifier, errorMessage: `Unknown extension ${canonicalId(id)}` };
    if (e.state !== 'Registered' && e.state !== 'Running') {
      return { ok: false, errorType: ExtensionErrorType.InvalidState, errorMessage: transitionFailed(e.state, 'Ready', e.id) };
    }
    e.state = 'Ready';
    const event = e.queue.shift();
    if (event) this.#send(e, ex, event);
    else e.parked = ex;
    this.#wake();
    return { ok: true };
  }

  unpark(id: string, ex: RuntimeExchange): void {
    const e = this.#byId.get(canonicalId(id));
    if (e?.parked === ex) e.parked = undefined;
  }

  reportError(id: string, which: 'InitError' | 'ExitError', errorType: string): ExtensionCallResult {
    const e = this.#byId.get(canonicalId(id));
    if (!e || e.state === 'Started') return { ok: false, errorType: ExtensionErrorType.UnknownIdentifier, errorMessage: 'Unknown Lambda-Extension-Identifier' };
    const allowed = which === 'InitError' ? e.state === 'Registered' : e.state === 'Registered' || e.state === 'Ready' || e.state === 'Running';
    if (!allowed) return { ok: false, errorType: ExtensionErrorType.InvalidState, errorMessage: transitionFailed(e.state, which === 'InitError' ? 'InitError' : 'Exited', e.id) };
    e.parked?.res.destroy();
    e.parked = undefined;
    e.state = which;
    e.errorType = errorType;
    this.#wake();
    return { ok: true };
  }

  #enqueue(e: Extension, body: ExtensionEventBody): void {
    const parked = e.parked;
    if (parked && e.state === 'Ready') {
      e.parked = undefined;
      this.#send(e, parked, body);
    } else {
      e.queue.push(body);
    }
    this.#wake();
  }

  #send(e: Extension, ex: RuntimeExchange, body: ExtensionEventBody): void {
    e.state = 'Running';
    e.delivered.push(body);
    ex.send(200, ['Content-Type', 'application/json', EVENT_ID_HEADER, randomUUID()], `${JSON.stringify(body)}\n`);
  }

  #wake(): void {
    if (this.#waiters.size === 0) return;
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const w of waiters) w();
  }
}
