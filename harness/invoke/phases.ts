/**
 * How an environment's init and shutdown phases end, each step recorded in its lifecycle
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { now } from '../clock.ts';
import type { RuntimeApi } from '../api/runtime-api.ts';
import type { RuntimeProcess } from '../drivers/types.ts';
import type { EnvironmentLifecycle } from './lifecycle.ts';
import type { InitAttempt } from './types.ts';

export interface InitWait {
  /** When the process was started. */
  t0: number;
  generation: number;
  budgetMs: number;
  /** How long a runtime that posted /init/error may take to exit before it is killed. */
  initErrorExitGraceMs: number;
}

/**
 * Waits for the init phase of a just-started runtime to end: its first /next (ready), an
 * /init/error (then its exit, or a kill after the grace), its exit, or the budget (then a kill).
 */
export async function endOfInit(api: RuntimeApi, proc: RuntimeProcess, w: InitWait, lifecycle: EnvironmentLifecycle): Promise<InitAttempt> {
  const { t0, generation } = w;
  const winner = await Promise.race([
    api.initOutcome().then(() => 'init' as const),
    proc.exited.then(() => 'exit' as const),
    sleep(w.budgetMs, undefined, { ref: false }).then(() => 'timeout' as const),
  ]);
  const durationMs = now() - t0;
  const init = api.initResult;
  if (init?.kind === 'ready' && !proc.hasExited) {
    lifecycle.to('ready');
    lifecycle.record('ready', generation);
    return { kind: 'ready', generation, durationMs: init.at - t0 };
  }
  lifecycle.to('resetting');
  if (init?.kind === 'init-error') {
    lifecycle.record('init-error', generation);
    const exit = await Promise.race([proc.exited, sleep(w.initErrorExitGraceMs, undefined, { ref: false }).then(() => undefined)]);
    if (!exit) {
      lifecycle.record('kill', generation, 'still running after /init/error');
      await proc.kill();
    }
    return { kind: 'init-error', generation, durationMs, report: init.report, exitedWithinMs: exit ? exit.at - init.report.at : undefined, exit };
  }
  if (winner === 'exit' || proc.hasExited) return { kind: 'exit', generation, durationMs, exit: await proc.exited };
  lifecycle.record('kill', generation, 'init timeout');
  await proc.kill();
  return { kind: 'timeout', generation, durationMs };
}

/**
 * The shutdown phase of a running process: SIGTERM, up to `graceMs` for it to exit, then SIGKILL
 * (at once when the grace is 0, as Lambda without extensions).
 */
export async function shutDown(proc: RuntimeProcess, graceMs: number, lifecycle: EnvironmentLifecycle, generation: number): Promise<void> {
  lifecycle.record('shutdown', generation, graceMs > 0 ? `grace ${graceMs} ms` : 'no grace period');
  if (graceMs > 0) {
    proc.signal('SIGTERM');
    lifecycle.record('sigterm', generation);
    await Promise.race([proc.exited, sleep(graceMs)]);
  }
  if (!proc.hasExited) {
    lifecycle.record('sigkill', generation, graceMs > 0 ? `still running after ${graceMs} ms` : undefined);
    await proc.kill();
  }
}
