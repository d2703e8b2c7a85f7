/**
 * SnapStart's restore phase (https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html): init ended
 * at the runtime's restore/next (Lambda would take the snapshot there), and the environment is then
 * restored. bootspec takes no real checkpoint: the same process carries on, its restore/next answered
 * at once. The phase ends at the runtime's first /next (restored), its restore/error (the restore
 * failed, reported like an init error, with the posted type), its exit, or the budget.
 * https://docs.aws.amazon.com/lambda/latest/dg/snapstart-runtime-hooks.html
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { now } from '../clock.ts';
import type { RuntimeApi } from '../api/runtime-api.ts';
import type { RuntimeProcess } from '../drivers/types.ts';
import type { EnvironmentLifecycle } from './lifecycle.ts';
import type { InitAttempt } from './types.ts';

export interface RestoreWait {
  /** When the init phase began: the attempt's duration covers init and restore. */
  t0: number;
  budgetMs: number;
  /** How long a runtime that posted restore/error may take to exit before it is killed. */
  exitGraceMs: number;
}

/**
 * Restores an environment whose init ended at restore/next; any other init attempt is returned as
 * it is (a SnapStart runtime that called /next without restore/next skips the restore, as in RAPID).
 */
export async function restoreAfterSnapshot(api: RuntimeApi, proc: RuntimeProcess | undefined, init: InitAttempt, w: RestoreWait, lifecycle: EnvironmentLifecycle): Promise<InitAttempt> {
  const gate = api.restoreGate;
  if (init.kind !== 'ready' || gate === undefined || !gate.snapshotTaken || proc === undefined) return init;
  const generation = init.generation;
  if (lifecycle.state !== 'ready') return init;
  lifecycle.to('restoring');
  lifecycle.record('restore', generation, 'snapshot resumed: restore/next answered');
  // false when its restore/next was cut (the process died with it): the exit decides below.
  gate.resume(api);
  const winner = await Promise.race([
    gate.outcome.then(() => 'restore' as const),
    proc.exited.then(() => 'exit' as const),
    sleep(w.budgetMs, undefined, { ref: false }).then(() => 'timeout' as const),
  ]);
  const durationMs = now() - w.t0;
  const r = gate.result;
  if (r?.kind === 'ready' && !proc.hasExited) {
    lifecycle.to('ready');
    lifecycle.record('ready', generation, 'restored');
    return { kind: 'ready', generation, durationMs: r.at - w.t0 };
  }
  if (lifecycle.closing) return { kind: 'timeout', generation, durationMs };
  lifecycle.to('resetting');
  if (r?.kind === 'restore-error') {
    lifecycle.record('restore-error', generation, r.report.errorTypeHeader);
    const exit = await Promise.race([proc.exited, sleep(w.exitGraceMs, undefined, { ref: false }).then(() => undefined)]);
    if (!exit) {
      lifecycle.record('kill', generation, 'still running after /restore/error');
      await proc.kill();
    }
    return { kind: 'init-error', generation, durationMs, report: r.report, exitedWithinMs: exit ? exit.at - r.report.at : undefined, exit };
  }
  if (winner === 'exit' || proc.hasExited) return { kind: 'exit', generation, durationMs, exit: await proc.exited };
  lifecycle.record('kill', generation, 'restore timeout');
  await proc.kill();
  return { kind: 'timeout', generation, durationMs };
}
