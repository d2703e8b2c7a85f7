/**
 * The container driver: each execution environment gets a Lambda-like sandbox container (memory
 * limit with swap off, CPU proportional to memory, read-only root, /var/task and /opt read-only,
 * /tmp a tmpfs of the ephemeral-storage size, sbx_user1051, Lambda's nofile/nproc limits, host
 * networking), and each runtime generation is a process started in it. Built on testcontainers;
 * images come from docker/ without any registry (container-image.ts).
 *
 *   const driver = await ContainerDriver.prepare();   // engine check, stale sweep, images
 *   const sandbox = await driver.open(spec);           // one container per execution environment
 *   ... sandbox.start(launch), sandbox.exec(argv) ...
 *   await sandbox[Symbol.asyncDispose]();              // removes that container
 *   await driver.dispose();                            // removes every container of the run
 */
import { BootspecError, ErrorCodes } from '../errors.ts';
import { installRunCleanup, newRunIdentity, RUN_LABEL, runLabels, sweepStale } from './container-cleanup.ts';
import { dockerClient } from './container-engine.ts';
import { RunEvents } from './container-events.ts';
import { LOG_FD_MOUNT, LogFdFolder } from './container-log-fd.ts';
import { checkEphemeral, DEFAULT_EPHEMERAL_MB, type SandboxLimits, sandboxLimits } from './container-limits.ts';
import type { Sandbox } from './container-sandbox.ts';
import type { ContainerDriverPrepareOptions, ContainerTarget } from './container-types.ts';
import type { Driver, DriverPaths, EnvironmentSandbox, LaunchSpec, RuntimeProcess, SandboxExecResult, SandboxSpec, SandboxUser } from './types.ts';

/** One events stream per run and process, shared by the sandboxes of its environments. */
const eventsByRun = new Map<string, RunEvents>();

/** What a sandbox sees of every sandbox container: fixed paths, as on Lambda. */
const CONTAINER_PATHS: DriverPaths = Object.freeze({ taskRoot: '/var/task', optDir: '/opt', runtimeDir: '/var/runtime', tmpDir: '/tmp' });

export class ContainerDriver implements Driver {
  readonly name = 'container' as const;
  readonly pathFidelity = true;
  readonly warning = undefined;
  readonly telemetryLogFd = true;
  readonly target: ContainerTarget;
  /** Sandboxes open now, to remove at the end of the run if their environment did not. */
  readonly #open = new Set<ContainerSandbox>();
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

  /** Starts the environment's sandbox container; its runtime generations are started in it. */
  async open(spec: SandboxSpec): Promise<EnvironmentSandbox> {
    const events = this.#events();
    await events.acquire();
    const limits = sandboxLimits(spec.memoryMb, this.target.ephemeralStorageMb, this.target.cpu);
    const logFds = new LogFdFolder();
    let sandbox: Sandbox;
    try {
      const { Sandbox } = await import('./container-sandbox.ts');
      sandbox = await Sandbox.start({
        image: this.target.image,
        labels: runLabels({ runId: this.target.runId, owner: this.target.owner }),
        taskRoot: spec.taskRoot,
        optDir: spec.optDir,
        limits,
        ...(this.target.cpuset === undefined ? {} : { cpuset: this.target.cpuset }),
        logFdDir: logFds.hostDir,
      });
    } catch (err) {
      events.release();
      logFds.remove();
      throw err;
    }
    const handle = new ContainerSandbox(sandbox, limits, events, this.#open, logFds);
    this.#open.add(handle);
    return handle;
  }

  /** Removes every container of this run (a prepared driver's run; a worker's open sandboxes only). */
  async dispose(): Promise<void> {
    await Promise.all([...this.#open].map((s) => s[Symbol.asyncDispose]().catch(() => undefined)));
    await this.#done?.();
  }

  #events(): RunEvents {
    let e = eventsByRun.get(this.target.runId);
    if (!e) {
      e = new RunEvents(`${RUN_LABEL}=${this.target.runId}`);
      eventsByRun.set(this.target.runId, e);
    }
    return e;
  }
}

/** One environment's sandbox container, as a handle: start generations in it, exec next to them, remove it. */
class ContainerSandbox implements EnvironmentSandbox {
  readonly paths = CONTAINER_PATHS;
  readonly #sandbox: Sandbox;
  readonly #limits: SandboxLimits;
  readonly #events: RunEvents;
  readonly #openSet: Set<ContainerSandbox>;
  readonly #logFds: LogFdFolder;
  #disposed: Promise<void> | undefined;

  constructor(sandbox: Sandbox, limits: SandboxLimits, events: RunEvents, openSet: Set<ContainerSandbox>, logFds: LogFdFolder) {
    this.#sandbox = sandbox;
    this.#limits = limits;
    this.#events = events;
    this.#openSet = openSet;
    this.#logFds = logFds;
  }

  async start(launch: LaunchSpec): Promise<RuntimeProcess> {
    this.#checkOpen();
    const { ContainerProcess } = await import('./container-process.ts');
    const logFd = launch.onLogFd ? this.#logFds.open(launch.onLogFd) : undefined;
    return ContainerProcess.start(this.#sandbox, this.#events, launch, this.#limits, logFd);
  }

  /** The log fd folder is already mounted (read-only; a socket in it can still be connected to). */
  logSocketDir(): { hostDir: string; sandboxDir: string } {
    return { hostDir: this.#logFds.hostDir, sandboxDir: LOG_FD_MOUNT };
  }

  exec(argv: string[], user: SandboxUser = 'function'): Promise<SandboxExecResult> {
    this.#checkOpen();
    return this.#sandbox.exec(argv, user);
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.#disposed ??= (async () => {
      this.#openSet.delete(this);
      try {
        await this.#sandbox.remove();
      } finally {
        this.#logFds.remove();
        this.#events.forgetContainer(this.#sandbox.id);
        this.#events.release();
      }
    })();
    return this.#disposed;
  }

  #checkOpen(): void {
    if (this.#disposed) {
      throw new BootspecError(ErrorCodes.ENVIRONMENT_CLOSED, 'this environment\'s sandbox container was removed (the environment is closed)', {
        hint: 'run commands in an environment before closing it',
      });
    }
  }
}
