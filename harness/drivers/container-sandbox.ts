/**
 * One execution environment's sandbox: a long-lived container shaped like Lambda's (docs/requirements.md#sandbox,
 * §9.1, §10) in which each runtime generation is started by `exec`, so /tmp (a tmpfs owned by the
 * container) survives a reset exactly as it does on Lambda.
 *
 * Loaded lazily by container.ts: it imports testcontainers' GenericContainer at module level.
 */
import { PassThrough, type Duplex, type Readable } from 'node:stream';
import { GenericContainer, type StartedTestContainer } from 'testcontainers';
import { BootspecError, ErrorCodes } from '../errors.ts';
import { dockerClient, firstLine, isGoneError } from './container-engine.ts';
import { SANDBOX_USER, type SandboxLimits } from './container-limits.ts';
import { LOG_FD_MOUNT } from './container-log-fd.ts';
import type { ContainerExecResult, SandboxUser } from './container-types.ts';

/** GenericContainer with the pieces of HostConfig a Lambda-like sandbox needs and the builder lacks. */
class LambdaSandboxContainer extends GenericContainer {
  #lifeline: Duplex | undefined;

  /** Memory limit with swap off (MemorySwap = Memory) and CPU proportional to memory (a weight or a cap). */
  withLambdaResources(limits: SandboxLimits): this {
    this.hostConfig.Memory = limits.memoryBytes;
    this.hostConfig.MemorySwap = limits.memoryBytes;
    if (limits.nanoCpus > 0) this.hostConfig.NanoCpus = limits.nanoCpus;
    if (limits.cpuShares > 0) this.hostConfig.CpuShares = limits.cpuShares;
    this.hostConfig.PidsLimit = limits.nproc;
    return this;
  }

  /** Pins the container to host CPUs (a benchmark's placement); leaves it free when unset. */
  withCpuset(cpus: string | undefined): this {
    if (cpus !== undefined) this.hostConfig.CpusetCpus = cpus;
    return this;
  }

  withReadOnlyRootFilesystem(): this {
    this.hostConfig.ReadonlyRootfs = true;
    return this;
  }

  /**
   * The container's init (docker-init) runs `cat`, reading stdin from an attach this process holds:
   * when this process dies, however it dies, stdin closes, cat ends, the container stops and the
   * engine removes it (AutoRemove, as docker run --rm).
   */
  withLifeline(): this {
    this.hostConfig.Init = true;
    // the engine's own --rm (testcontainers' withAutoRemove only steers its stop())
    this.hostConfig.AutoRemove = true;
    this.createOpts.OpenStdin = true;
    this.createOpts.StdinOnce = true;
    this.createOpts.AttachStdin = true;
    this.createOpts.Entrypoint = ['/bin/cat'];
    this.createOpts.Cmd = [];
    return this;
  }

  get lifeline(): Duplex | undefined {
    return this.#lifeline;
  }

  protected override async containerCreated(containerId: string): Promise<void> {
    const docker = (await dockerClient()).container.dockerode;
    const stream = (await docker.getContainer(containerId).attach({ stream: true, stdin: true, hijack: true })) as Duplex;
    stream.on('error', () => undefined);
    this.#lifeline = stream;
  }
}

/**
 * The group the harness's own commands run with as the function's user: what they may write is
 * decided by the uid (the folders are root's, /tmp is 1777), and ending a runtime generation, which
 * kills the function user's processes, can tell them apart by it (root cannot read their environ
 * without CAP_SYS_PTRACE, but /proc/<pid>/status is readable).
 */
export const HARNESS_GID = 991;

export interface SandboxContainerSpec {
  image: string;
  labels: Record<string, string>;
  taskRoot: string;
  optDir: string;
  limits: SandboxLimits;
  /** Host CPUs the container runs on (CpusetCpus); any when unset. */
  cpuset?: string;
  /** Host folder of the telemetry log fd pipes, mounted read-only at LOG_FD_MOUNT. */
  logFdDir?: string;
}

/** A started sandbox container; `remove()` ends it. */
export class Sandbox {
  readonly id: string;
  readonly #started: StartedTestContainer;
  readonly #lifeline: Duplex | undefined;
  #removed: Promise<void> | undefined;

  private constructor(started: StartedTestContainer, lifeline: Duplex | undefined) {
    this.#started = started;
    this.id = started.getId();
    this.#lifeline = lifeline;
  }

  static async start(spec: SandboxContainerSpec): Promise<Sandbox> {
    const l = spec.limits;
    const container = new LambdaSandboxContainer(spec.image)
      .withLabels(spec.labels)
      // Host networking: the runtime reaches the mock Runtime API on 127.0.0.1 like any local process.
      .withNetworkMode('host')
      .withWorkingDir('/var/task')
      .withBindMounts([
        { source: spec.taskRoot, target: '/var/task', mode: 'ro' },
        { source: spec.optDir, target: '/opt', mode: 'ro' },
        ...(spec.logFdDir === undefined ? [] : [{ source: spec.logFdDir, target: LOG_FD_MOUNT, mode: 'ro' as const }]),
      ])
      // tmpfs pages count against the container's memory limit (on Lambda /tmp is a disk): see docker/README.md.
      .withTmpFs({ '/tmp': `rw,exec,nosuid,nodev,size=${l.ephemeralBytes},mode=1777` })
      .withUlimits({ nofile: { soft: l.nofile, hard: l.nofile }, nproc: { soft: l.nproc, hard: l.nproc } })
      .withLambdaResources(l)
      .withCpuset(spec.cpuset)
      .withReadOnlyRootFilesystem()
      .withLifeline();
    try {
      const started = await container.start();
      return new Sandbox(started, container.lifeline);
    } catch (err) {
      container.lifeline?.destroy();
      throw new BootspecError(ErrorCodes.DRIVER_START_FAILED, `could not start the sandbox container from ${spec.image}: ${firstLine(err)}`, {
        hint: 'check `docker info` works and the image exists (docker images bootspec-sandbox); bootspec builds it at the start of a run',
        cause: err,
      });
    }
  }

  get container() {
    return this.#started;
  }

  /** Runs a command to completion inside the sandbox, as the function's user or as root. */
  async exec(argv: string[], user: SandboxUser = 'function'): Promise<ContainerExecResult> {
    // Not StartedTestContainer.exec: it reads the demuxed streams only until the raw stream ends,
    // and loses output still in flight under load. Here both sides are read to their own end.
    const docker = (await dockerClient()).container.dockerode;
    const exec = await docker.getContainer(this.id).exec({
      Cmd: argv,
      AttachStdout: true,
      AttachStderr: true,
      User: user === 'root' ? '0:0' : `${SANDBOX_USER.uid}:${HARNESS_GID}`,
    });
    const raw = (await exec.start({ hijack: true, stdin: false })) as Duplex;
    const out = new PassThrough();
    const err = new PassThrough();
    docker.modem.demuxStream(raw, out, err);
    const done = () => {
      out.end();
      err.end();
    };
    raw.once('end', done);
    raw.once('close', done);
    raw.once('error', done);
    const [stdout, stderr] = await Promise.all([text(out), text(err)]);
    const exitCode = (await exec.inspect()).ExitCode ?? -1;
    return { exitCode, stdout, stderr };
  }

  /** Removes the container (and everything in it); safe to call more than once. */
  remove(): Promise<void> {
    this.#removed ??= (async () => {
      const docker = (await dockerClient()).container.dockerode;
      try {
        await docker.getContainer(this.id).remove({ force: true, v: true });
      } catch (err) {
        if (!isGoneError(err)) throw err;
      } finally {
        this.#lifeline?.destroy();
      }
    })();
    return this.#removed;
  }
}

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
