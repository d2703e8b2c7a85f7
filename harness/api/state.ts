/**
 * The runtime's state machine in one execution environment, deny-by-default, after classic RAPID
 * (https://github.com/aws/aws-lambda-runtime-interface-emulator/blob/c6779f7eb547901fb675b238c50a145d7eadea05/lambda/core/states.go).
 * State names are RAPID's own, because they appear in the 403 messages runtimes see.
 */

export type RuntimeStateName =
  | 'Started'
  | 'InitError'
  | 'Ready'
  | 'Running'
  | 'InvocationResponse'
  | 'InvocationErrorResponse'
  | 'RuntimeResponseSentState'
  // SnapStart only (restore.ts): parked on restore/next, then restored until its first /next.
  | 'RestoreReady'
  | 'Restoring'
  | 'RuntimeRestoreErrorState';

/** The transition a request asks for; also RAPID's target name in 403 messages. */
export type Transition = 'Ready' | 'InitError' | 'InvocationResponse' | 'InvocationErrorResponse' | 'RestoreReady' | 'Restoring' | 'RestoreError';

const allowed: Record<RuntimeStateName, Partial<Record<Transition, RuntimeStateName>>> = {
  // RestoreReady: a SnapStart runtime's restore/next (the router answers it only in that mode).
  Started: { Ready: 'Ready', InitError: 'InitError', RestoreReady: 'RestoreReady' },
  InitError: {},
  // Two parked /next calls both wait in RAPID; we record the overlap, the machine stays Ready.
  Ready: { Ready: 'Ready' },
  // /next while Running is a no-op in RAPID: the same event is rendered again.
  Running: { Ready: 'Running', InvocationResponse: 'InvocationResponse', InvocationErrorResponse: 'InvocationErrorResponse' },
  InvocationResponse: {},
  InvocationErrorResponse: {},
  RuntimeResponseSentState: { Ready: 'Ready' },
  // Restoring is the platform's move (the snapshot resumed), never a request's.
  RestoreReady: { Restoring: 'Restoring' },
  Restoring: { Ready: 'Ready', RestoreError: 'RuntimeRestoreErrorState' },
  RuntimeRestoreErrorState: {},
};

export type TransitionResult = { ok: true; from: RuntimeStateName; to: RuntimeStateName } | { ok: false; from: RuntimeStateName };

const TRANSITIONS: Transition[] = ['Ready', 'InitError', 'InvocationResponse', 'InvocationErrorResponse', 'RestoreReady', 'Restoring', 'RestoreError'];
/** Every (state, transition) result, made once: a transition runs twice per invoke and allocates nothing. */
const results = Object.fromEntries(
  (Object.keys(allowed) as RuntimeStateName[]).map((from) => [
    from,
    Object.fromEntries(
      TRANSITIONS.map((t) => {
        const to = allowed[from][t];
        return [t, Object.freeze(to === undefined ? { ok: false, from } : { ok: true, from, to })];
      }),
    ),
  ]),
) as Record<RuntimeStateName, Record<Transition, TransitionResult>>;

export class RuntimeStateMachine {
  #state: RuntimeStateName = 'Started';

  get state(): RuntimeStateName {
    return this.#state;
  }

  /** Applies a transition if the current state allows it; otherwise leaves the state as it was. */
  apply(transition: Transition): TransitionResult {
    const r = results[this.#state][transition];
    if (r.ok) this.#state = r.to;
    return r;
  }

  /** Moves a Ready runtime to Running when an event is handed over. */
  deliver(): void {
    if (this.#state !== 'Ready' && this.#state !== 'Running') {
      throw new Error(`internal: cannot deliver an event in state ${this.#state}`);
    }
    this.#state = 'Running';
  }

  /** Completes a posted result (InvocationResponse | InvocationErrorResponse -> RuntimeResponseSentState). */
  responseSent(): void {
    if (this.#state !== 'InvocationResponse' && this.#state !== 'InvocationErrorResponse') {
      throw new Error(`internal: responseSent in state ${this.#state}`);
    }
    this.#state = 'RuntimeResponseSentState';
  }
}
