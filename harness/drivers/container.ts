/**
 * The container driver: each execution environment gets a Lambda-like sandbox container (memory
 * limit with swap off, CPU proportional to memory, read-only root, /var/task and /opt read-only,
 * /tmp a tmpfs of the ephemeral-storage size, sbx_user1051, Lambda's nofile/nproc limits, host
 * networking), and each runtime generation is a process started in it. Built on testcontainers;
 * images come from docker/ without any registry (container-image.ts).
 *
 *   const driver = await ContainerDriver.prepare();   // engine check, stale sweep, images
 *   ... ExecutionEnvironment.create({ driver, ... }) ...
 *   await driver.dispose();                            // removes every container of the run
 */
import { BootspecError, ErrorCodes } from '../errors.ts';
import { installRunCleanup, newRunIdentity, RUN_LABEL, runLabels, sweepStale } from './container-cleanup.ts';
import { dockerClient } from './container-engine.ts';
import { RunEvents } from './container-events.ts';
import { checkEphemeral, DEFAULT_EPHEMERAL_MB, sandboxLimits } from './container-limits.ts';
import type { Sandbox } from './container-sandbox.ts';
import type { ContainerDriverPrepareOptions, ContainerExecResult, ContainerTarget, SandboxUser } from './container-types.ts';
import type { Driver, DriverPaths, LaunchSpec, RuntimeProcess } from './types.ts';

/** One events stream per run and process, shared by its drivers (a suite worker makes one per scenario). */
const eventsByRun = new Map<string, RunEvents>();

export class ContainerDriver implements Driver {
  readonly name = 'container' as const;
  readonly pathFidelity = true;
  readonly warning = undefined;
  readonly target: ContainerTarget;
  readonly #sandboxes = new Map<string, Promise<Sandbox>>();
  readonly #done: (() => Promise<void>) | undefined;

  /** A driver for a run prepared elsewhere (a suite worker gets the CLI's target). */
  constructor(target: ContainerTarget, done?: () => Promise<void>) {
    checkEphemeral(target.ephemeralStorageMb);
    this.target = target;
    this.#done = done;
  }

  /**
   * Checks the engine (DOCKER_UNAVAILABLE says how to start one), removes containers left by dead
   * bootspec processes, builds or reuses the images, and arms this run's cleanup.
   */
  static async prepare(options: ContainerDriverPrepareOptions = {}): Promise<ContainerDriver> {
    const ephemeralStorageMb = options.ephemeralStorageMb ?? DEFAULT_EPHEMERAL_MB;
    checkEphemeral(ephemeralStorageMb);
    await dockerClient();
    const stale = await sweepStale();
    if (stale > 0) options.onProgress?.(`removed ${stale} container(s) left by an earlier bootspec run`);
    const { ensureSandboxImage } = await import('./container-image.ts');
    const img = await ensureSandboxImage({ ...(options.baseImage === undefined ? {} : { baseImage: options.baseImage }), ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
    const run = newRunIdentity();
    const done = installRunCleanup(run);
    return new ContainerDriver(
      {
        image: img.image,
        base: img.base,
        runId: run.runId,
        owner: run.owner,
        ephemeralStorageMb,
        cpu: options.cpu ?? 'share',
        ...(options.cpuset === undefined ? {} : { cpuset: options.cpuset }),
      },
      done,
    );
  }

  paths(): DriverPaths {
    return { taskRoot: '/var/task', optDir: '/opt', runtimeDir: '/var/runtime', tmpDir: '/tmp' };
  }

  async prepareEnvironment(spec: Pick<LaunchSpec, 'taskRoot' | 'optDir' | 'tmpDir' | 'memoryMb'>): Promise<void> {
    await this.#sandboxFor(spec);
  }

  async start(spec: LaunchSpec): Promise<RuntimeProcess> {
    const limits = this.#limits(spec.memoryMb);
    const sandbox = await this.#sandboxFor(spec);
    const { ContainerProcess } = await import('./container-process.ts');
    return ContainerProcess.start(sandbox, this.#events(), spec, limits);
  }

  async release(tmpDir: string): Promise<void> {
    const pending = this.#sandboxes.get(tmpDir);
    if (!pending) return;
    this.#sandboxes.delete(tmpDir);
    const sandbox = await pending.catch(() => undefined);
    if (!sandbox) return;
    try {
      await sandbox.remove();
    } finally {
      this.#events().forgetContainer(sandbox.id);
      this.#releaseEvents();
    }
  }

  async exec(tmpDir: string, argv: string[], user: SandboxUser = 'function'): Promise<ContainerExecResult> {
    const pending = this.#sandboxes.get(tmpDir);
    if (!pending) {
      throw new BootspecError(ErrorCodes.ENVIRONMENT_CLOSED, 'this environment has no sandbox container (not started yet, or closed)', {
        hint: 'invoke (or init) the environment before running commands in its sandbox',
      });
    }
    return (await pending).exec(argv, user);
  }

  /** Removes every container of this run (a prepared driver's run, or nothing for a worker's). */
  async dispose(): Promise<void> {
    await Promise.all([...this.#sandboxes.keys()].map((k) => this.release(k).catch(() => undefined)));
    await this.#done?.();
  }

  /** One sandbox per environment, keyed by its private /tmp; created at its first generation. */
  #limits(memoryMb: number) {
    return sandboxLimits(memoryMb, this.target.ephemeralStorageMb, this.target.cpu);
  }

  #sandboxFor(spec: Pick<LaunchSpec, 'taskRoot' | 'optDir' | 'tmpDir' | 'memoryMb'>): Promise<Sandbox> {
    let pending = this.#sandboxes.get(spec.tmpDir);
    if (!pending) {
      pending = (async () => {
        await this.#events().acquire();
        try {
          const { Sandbox } = await import('./container-sandbox.ts');
          return await Sandbox.start({
            image: this.target.image,
            labels: runLabels({ runId: this.target.runId, owner: this.target.owner }),
            taskRoot: spec.taskRoot,
            optDir: spec.optDir,
            limits: this.#limits(spec.memoryMb),
            ...(this.target.cpuset === undefined ? {} : { cpuset: this.target.cpuset }),
          });
        } catch (err) {
          this.#releaseEvents();
          throw err;
        }
      })();
      this.#sandboxes.set(spec.tmpDir, pending);
      pending.catch(() => this.#sandboxes.delete(spec.tmpDir));
    }
    return pending;
  }

  #events(): RunEvents {
    let e = eventsByRun.get(this.target.runId);
    if (!e) {
      e = new RunEvents(`${RUN_LABEL}=${this.target.runId}`);
      eventsByRun.set(this.target.runId, e);
    }
    return e;
  }

  #releaseEvents(): void {
    this.#events().release();
  }
}
