/**
 * SnapStart's restore endpoints, served only when the function's AWS_LAMBDA_INITIALIZATION_TYPE is
 * `snap-start` (the emulator mounts them only in its init-caching mode:
 * https://github.com/aws/aws-lambda-runtime-interface-emulator/blob/4fa21571526087e3a0076b9fecf67a79e3927994/internal/lambda/rapi/router.go#L50-L53).
 *
 *   GET  /2018-06-01/runtime/restore/next   Started -> RestoreReady: init is over (the snapshot
 *        point); the call blocks until the environment is restored, then 200 with an empty body.
 *   POST /2018-06-01/runtime/restore/error  Restoring -> RuntimeRestoreErrorState: an after-restore
 *        hook failed; 202. The restore fails with the posted error type.
 *
 * bootspec takes no real snapshot: the same process carries on when restore() is called (docs/requirements.md#restore).
 * https://docs.aws.amazon.com/lambda/latest/dg/snapstart-runtime-hooks.html
 */
import { now } from '../clock.ts';
import { MAX_PAYLOAD_SIZE, invalidStateTransition } from './errors.ts';
import { ACCEPTED } from './exchange.ts';
import type { RestoreOutcome, RestorePhaseEnd, RuntimeApiState, RuntimeExchange } from './types.ts';

export type { RestoreOutcome } from './types.ts';

/** One generation's restore: the parked restore/next, and how the restore ends. */
export class RestoreGate implements RestorePhaseEnd {
  /** When the runtime called restore/next (the end of its init), once it has. */
  snapshotAt: number | undefined;
  #parked: RuntimeExchange | undefined;
  #settle!: (o: RestoreOutcome) => void;
  readonly outcome: Promise<RestoreOutcome> = new Promise((resolve) => {
    this.#settle = resolve;
  });
  #result: RestoreOutcome | undefined;

  get snapshotTaken(): boolean {
    return this.snapshotAt !== undefined;
  }

  /** How the restore ended, once it has (read synchronously after a race). */
  get result(): RestoreOutcome | undefined {
    return this.#result;
  }

  park(ex: RuntimeExchange): void {
    this.snapshotAt = now();
    this.#parked = ex;
  }

  /** The environment is restored: the parked restore/next gets its 200 (false if its client left). */
  resume(api: RuntimeApiState): boolean {
    const ex = this.#parked;
    this.#parked = undefined;
    if (ex === undefined || ex.res.closed) return false;
    api.transition('Restoring');
    ex.send(200, [], Buffer.alloc(0));
    return true;
  }

  end(o: RestoreOutcome): void {
    this.#result ??= o;
    this.#settle(o);
  }

  /** A new runtime process: a parked restore/next of the old one is cut. */
  discard(): void {
    this.#parked?.res.destroy();
    this.#parked = undefined;
  }
}

/** GET /runtime/restore/next: ends init, and waits for the restore. */
export function handleRestoreNext(api: RuntimeApiState, gate: RestoreGate, ex: RuntimeExchange): void {
  const t = api.transition('RestoreReady');
  // RAPID names Ready as the target of a refused restore/next (restorenext.go), not RestoreReady.
  if (!t.ok) return ex.sendJson(403, invalidStateTransition(t.from, 'Ready'));
  gate.park(ex);
  api.endInit({ kind: 'ready', at: gate.snapshotAt ?? now() });
}

/** POST /runtime/restore/error: an after-restore hook failed. */
export async function handleRestoreError(api: RuntimeApiState, gate: RestoreGate, ex: RuntimeExchange): Promise<void> {
  const generation = api.generation;
  const body = await ex.req.readBody(MAX_PAYLOAD_SIZE);
  ex.noteRequestBody(body.kind === 'ok' ? body.body : undefined, body.size);
  if (generation !== api.generation) {
    ex.res.destroy();
    return;
  }
  const t = api.transition('RestoreError');
  if (!t.ok) return ex.sendJson(403, invalidStateTransition(t.from, 'RuntimeRestoreErrorState'));
  ex.sendJson(202, ACCEPTED);
  const header = ex.req.headers['lambda-runtime-function-error-type'];
  gate.end({
    kind: 'restore-error',
    report: { payload: body.kind === 'ok' ? body.body : Buffer.alloc(0), contentType: ex.req.headers['content-type'], errorTypeHeader: validErrorType(header), at: now() },
  });
}

/**
 * RAPID keeps a posted type only when it looks like `Runtime.X` or `Function.X`; otherwise it is
 * Runtime.Unknown (fatalerror.go GetValidRuntimeOrFunctionErrorType).
 */
export function validErrorType(header: string | undefined): string {
  const h = header ?? '';
  if (/(Runtime|Function)\.[A-Z][a-zA-Z]+/.test(h)) return h;
  return h.startsWith('Function.') ? 'Function.Unknown' : 'Runtime.Unknown';
}

