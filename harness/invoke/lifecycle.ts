/**
 * An execution environment's lifecycle as a deny-by-default state machine (after Lambda's
 * Init / Invoke / Shutdown phases, https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html).
 * A transition the table does not list is a bootspec bug, never a runtime's fault: it throws.
 *
 *   fresh ─▶ initializing ─▶ ready ⇄ invoking
 *                 ▲   │        │        │
 *                 │   ▼        ▼        ▼
 *                 └─ resetting ◀────────┘        (timeout, crash, failed init: /tmp kept)
 *   any of those ─▶ shutting-down ─▶ closed
 *   SnapStart: initializing ─▶ ready (snapshot taken) ─▶ restoring ─▶ ready | resetting (restore-phase.ts)
 */
import { now } from '../clock.ts';
import { BootspecError, ErrorCodes } from '../errors.ts';

export type EnvironmentState =
  | 'fresh'
  | 'initializing'
  | 'ready'
  | 'invoking'
  | 'resetting'
  // SnapStart's restore phase: the snapshot resumed, until the runtime's first /next (restore-phase.ts).
  | 'restoring'
  | 'shutting-down'
  | 'closed';

/**
 * For each state, the states it may move to. Values are targets, so a request can also map to
 * staying put: once shutting down, the end of an init or an invocation still in flight (close does
 * not wait for it) leaves the environment where it is.
 */
const allowed: Record<EnvironmentState, Partial<Record<EnvironmentState, EnvironmentState>>> = {
  fresh: { initializing: 'initializing', 'shutting-down': 'shutting-down' },
  initializing: { ready: 'ready', resetting: 'resetting', 'shutting-down': 'shutting-down' },
  // ready -> initializing: an explicit init() of a warm environment re-inits it.
  ready: { invoking: 'invoking', initializing: 'initializing', resetting: 'resetting', restoring: 'restoring', 'shutting-down': 'shutting-down' },
  invoking: { ready: 'ready', resetting: 'resetting', 'shutting-down': 'shutting-down' },
  resetting: { initializing: 'initializing', 'shutting-down': 'shutting-down' },
  restoring: { ready: 'ready', resetting: 'resetting', 'shutting-down': 'shutting-down' },
  'shutting-down': { ready: 'shutting-down', resetting: 'shutting-down', closed: 'closed' },
  closed: { ready: 'closed', resetting: 'closed' },
};

/** What happened to an environment, in order, for reports and scenarios. */
export interface LifecycleEvent {
  at: number;
  kind: 'spawn' | 'ready' | 'init-error' | 'exit' | 'kill' | 'shutdown' | 'sigterm' | 'sigkill' | 'closed' | 'restore' | 'restore-error';
  generation: number;
  detail?: string;
}

export class EnvironmentLifecycle {
  #state: EnvironmentState = 'fresh';
  readonly events: LifecycleEvent[] = [];
  readonly #onEvent: ((e: LifecycleEvent) => void) | undefined;

  constructor(onEvent?: (e: LifecycleEvent) => void) {
    this.#onEvent = onEvent;
  }

  get state(): EnvironmentState {
    return this.#state;
  }

  /** True once close() began: no new phase may start. */
  get closing(): boolean {
    return this.#state === 'shutting-down' || this.#state === 'closed';
  }

  /** Moves to `to` if the current state allows it (runs twice per invoke: a lookup, no allocation). */
  to(to: EnvironmentState): EnvironmentState {
    const next = allowed[this.#state][to];
    if (next === undefined) {
      throw new BootspecError(ErrorCodes.ENVIRONMENT_TRANSITION_DENIED, `internal: an execution environment cannot go from ${this.#state} to ${to}`, {
        hint: 'this is a bootspec bug, not the runtime\'s: report it with this stack',
      });
    }
    this.#state = next;
    return next;
  }

  record(kind: LifecycleEvent['kind'], generation: number, detail?: string): void {
    const e: LifecycleEvent = detail === undefined ? { at: now(), kind, generation } : { at: now(), kind, generation, detail };
    this.events.push(e);
    this.#onEvent?.(e);
  }
}
