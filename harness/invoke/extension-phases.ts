/**
 * The extensions' part of an environment's phases: init waits for every registered extension to be
 * ready, an invocation for every INVOKE subscriber to call event/next again, and the shutdown phase
 * (runtime first: SIGTERM, its share of the budget, SIGKILL; then SHUTDOWN to the external
 * extensions and SIGKILL at the overall deadline).
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html#runtimes-lifecycle-shutdown
 * aws-lambda-runtime-interface-emulator@4fa21571 internal/lambda/rapid/shutdown.go
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { now } from '../clock.ts';
import { ExtensionFatalError } from '../api/extensions/errors.ts';
import type { ExtensionRegistry } from '../api/extensions/registry.ts';
import type { ShutdownReason } from '../api/extensions/types.ts';
import type { ExitInfo, RuntimeProcess } from '../drivers/types.ts';
import type { ExtensionProcess } from './extension-processes.ts';
import type { EnvironmentLifecycle } from './lifecycle.ts';
import type { InitAttempt } from './types.ts';

/** Shutdown budgets: 500 ms with internal extensions only, 2 s with an external one, of which the runtime gets 300 ms (500 ms beside an internal one). */
export const SHUTDOWN_BUDGET_MS = { internalOnly: 500, withExternal: 2_000, runtimeBesideExternal: 300, runtimeBesideBoth: 500 } as const;

/** Waits until `done()` holds, re-checked at every change of the registry, or `budgetMs` passes. */
export async function waitForExtensions(registry: ExtensionRegistry, done: () => boolean, budgetMs: number): Promise<boolean> {
  const ac = new AbortController();
  const timeout = sleep(Math.max(0, budgetMs), 'timeout' as const, { ref: false, signal: ac.signal }).catch(() => 'timeout' as const);
  try {
    while (!done()) {
      if ((await Promise.race([registry.changed().then(() => 'changed' as const), timeout])) === 'timeout') return done();
    }
    return true;
  } finally {
    ac.abort();
  }
}

/** An extension that failed init or crashed, as the init attempt the invocation reports (RAPID's fatal error types). */
export function extensionInitFailure(generation: number, durationMs: number, errorType: string, message: string): InitAttempt {
  const payload = Buffer.from(JSON.stringify({ errorMessage: message, errorType }));
  return { kind: 'init-error', generation, durationMs, report: { payload, contentType: 'application/json', errorTypeHeader: errorType, at: now() }, exitedWithinMs: undefined, exit: undefined };
}

/** What failed among the extensions, if anything: an init/exit error reported, or an external one that exited. */
export function extensionFault(registry: ExtensionRegistry, crashed: { name: string; exit: ExitInfo } | undefined): { errorType: string; message: string } | undefined {
  const failed = registry.failed;
  if (failed) {
    const errorType = failed.state === 'InitError' ? ExtensionFatalError.InitError : ExtensionFatalError.ExitError;
    return { errorType, message: `extension ${failed.name} reported ${failed.errorType ?? 'an error'}` };
  }
  if (crashed) {
    const how = crashed.exit.signal ? `signal: ${crashed.exit.signal}` : `exit code ${crashed.exit.code ?? 0}`;
    return { errorType: ExtensionFatalError.Crash, message: `extension ${crashed.name} exited: ${how}` };
  }
  return undefined;
}

export interface ExtensionShutdown {
  runtime: RuntimeProcess | undefined;
  extensions: readonly ExtensionProcess[];
  registry: ExtensionRegistry;
  reason: ShutdownReason;
  lifecycle: EnvironmentLifecycle;
  generation: number;
}

/** The shutdown phase of an environment with extensions; each step recorded in its lifecycle. */
export async function shutDownWithExtensions(s: ExtensionShutdown): Promise<void> {
  const { registry, lifecycle, generation } = s;
  const live = s.extensions.filter((x) => !x.proc.hasExited);
  const external = live.length > 0;
  const internal = registry.registered.some((e) => !e.external);
  const totalMs = external ? SHUTDOWN_BUDGET_MS.withExternal : SHUTDOWN_BUDGET_MS.internalOnly;
  const runtimeMs = external && !internal ? SHUTDOWN_BUDGET_MS.runtimeBesideExternal : SHUTDOWN_BUDGET_MS.runtimeBesideBoth;
  const deadline = now() + totalMs;
  lifecycle.record('shutdown', generation, `reason ${s.reason}, grace ${totalMs} ms (runtime ${runtimeMs} ms)`);
  const rt = s.runtime;
  if (rt && !rt.hasExited) {
    rt.signal('SIGTERM');
    lifecycle.record('sigterm', generation, 'runtime');
    await Promise.race([rt.exited, sleep(runtimeMs, undefined, { ref: false })]);
    if (!rt.hasExited) {
      lifecycle.record('sigkill', generation, `runtime still running after ${runtimeMs} ms`);
      await rt.kill();
    }
  }
  if (!external) return;
  const told = registry.dispatchShutdown(s.reason, deadline);
  lifecycle.record('shutdown', generation, `SHUTDOWN (${s.reason}) sent to ${told} extension(s)`);
  await Promise.race([Promise.all(live.map((x) => x.proc.exited)), sleep(Math.max(0, deadline - now()), undefined, { ref: false })]);
  await Promise.all(
    live
      .filter((x) => !x.proc.hasExited)
      .map((x) => {
        lifecycle.record('sigkill', generation, `extension ${x.name} still running at the shutdown deadline`);
        return x.proc.kill();
      }),
  );
}
