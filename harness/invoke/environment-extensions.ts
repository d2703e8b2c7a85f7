/**
 * The extensions of one execution environment, per generation: the external ones' processes (started
 * before the runtime, each watched for its exit), what failed among them, and the waits of init and
 * invoke on them. The registrations themselves live in the Runtime API (api/extensions/registry.ts).
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html
 */
import type { ExtensionRegistry } from '../api/extensions/registry.ts';
import type { ShutdownReason } from '../api/extensions/types.ts';
import type { EnvironmentSandbox, ExitInfo, RuntimeProcess } from '../drivers/types.ts';
import { discoverExtensions, type ExtensionProcess, extensionEnvironment, startExtensions } from './extension-processes.ts';
import { extensionFault, shutDownWithExtensions, waitForExtensions } from './extension-phases.ts';
import type { EnvironmentLifecycle } from './lifecycle.ts';
import type { LogBuffer } from './log-buffer.ts';

export interface ExtensionFault {
  errorType: string;
  message: string;
}

export class EnvironmentExtensions {
  readonly #registry: ExtensionRegistry;
  readonly #lifecycle: EnvironmentLifecycle;
  readonly #logs: LogBuffer;
  readonly #optDir: string;
  /** This generation's external extension processes. */
  #procs: ExtensionProcess[] = [];
  /** An external extension of this generation that exited outside a shutdown (Extension.Crash). */
  #crash: { name: string; exit: ExitInfo } | undefined;
  /** Set while this generation's extensions are being stopped: their exits are not crashes. */
  #stopping = false;
  #generation = -1;

  constructor(registry: ExtensionRegistry, lifecycle: EnvironmentLifecycle, logs: LogBuffer, hostOptDir: string) {
    this.#registry = registry;
    this.#lifecycle = lifecycle;
    this.#logs = logs;
    this.#optDir = hostOptDir;
  }

  /** True when this generation has an extension (internal or external): shutdown and invoke then involve them. */
  get active(): boolean {
    return this.#procs.length > 0 || this.#registry.anyRegistered;
  }

  /** What failed among them, if anything. */
  get fault(): ExtensionFault | undefined {
    return extensionFault(this.#registry, this.#crash);
  }

  /**
   * A new generation: starts /opt/extensions/* with the runtime's environment (less what is the
   * runtime's alone) and waits for each to register. 'timeout' when they did not within the budget.
   */
  async start(sandbox: EnvironmentSandbox, runtimeEnv: Record<string, string>, generation: number, budgetMs: number): Promise<ExtensionFault | 'timeout' | undefined> {
    const names = discoverExtensions(this.#optDir);
    this.#registry.beginGeneration(names);
    this.#crash = undefined;
    this.#stopping = false;
    this.#generation = generation;
    if (names.length === 0) return undefined;
    const logs = this.#logs;
    for (const name of names) this.#lifecycle.record('spawn', generation, `extension ${name}`);
    this.#procs = await startExtensions({
      sandbox,
      names,
      env: extensionEnvironment(runtimeEnv),
      onLine: (name, stream, text, at) => logs.push({ at, stream, text, requestId: logs.requestId, generation, extension: name }),
      onExit: (name, e) => this.#exited(name, e, generation),
    });
    const reg = this.#registry;
    const registered = await waitForExtensions(reg, () => reg.externalsRegistered || this.fault !== undefined, budgetMs);
    return this.fault ?? (registered ? undefined : 'timeout');
  }

  /** Waits until every registered extension waits on event/next (or one failed); false when not within the budget. */
  async ready(budgetMs: number): Promise<boolean> {
    const reg = this.#registry;
    await waitForExtensions(reg, () => reg.allReady || this.fault !== undefined, budgetMs);
    return reg.allReady && this.fault === undefined;
  }

  /** The shutdown phase with extensions (runtime SIGTERM first, then SHUTDOWN with the reason). */
  async shutDown(reason: ShutdownReason, runtime: RuntimeProcess | undefined, generation: number): Promise<void> {
    const extensions = this.#takeProcs();
    await shutDownWithExtensions({ runtime, extensions, registry: this.#registry, reason, lifecycle: this.#lifecycle, generation });
  }

  /** Kills the external extensions at once (a failed init, a re-init). */
  async kill(why: string): Promise<void> {
    const procs = this.#takeProcs();
    for (const x of procs) if (!x.proc.hasExited) this.#lifecycle.record('kill', this.#generation, `extension ${x.name}: ${why}`);
    await Promise.all(procs.map((x) => x.proc.kill()));
  }

  #takeProcs(): ExtensionProcess[] {
    const procs = this.#procs;
    this.#procs = [];
    this.#stopping = true;
    return procs;
  }

  /** An external extension ended: outside a shutdown of its generation, that is Extension.Crash and the environment resets. */
  #exited(name: string, e: ExitInfo, generation: number): void {
    this.#lifecycle.record('exit', generation, `extension ${name}: ${e.signal ? `signal ${e.signal}` : `code ${e.code}`}`);
    if (generation !== this.#generation || this.#stopping) return;
    this.#crash ??= { name, exit: e };
    this.#registry.exited(name);
    if (this.#lifecycle.state === 'ready') this.#lifecycle.to('resetting');
  }
}
