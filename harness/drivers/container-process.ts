/**
 * One runtime generation inside a sandbox: `bootstrap` started by `docker exec` as the function's
 * user with exactly the environment it is given (`env -i`), its output read line by line, and its
 * end observed as the process driver observes it: when the main process ends, everything else the
 * function's user runs in the sandbox is killed too (Lambda resets the whole environment).
 */
import { constants } from 'node:os';
import { PassThrough, type Duplex } from 'node:stream';
import type { ContainerRuntimeClient } from 'testcontainers';
import { BootspecError, ErrorCodes } from '../errors.ts';
import { cgroupPeakBytes, sandboxPeakKb } from './container-cgroup.ts';
import { dockerClient, firstLine } from './container-engine.ts';
import type { RunEvents } from './container-events.ts';
import { SANDBOX_USER, type SandboxLimits } from './container-limits.ts';
import { HARNESS_GID, type Sandbox } from './container-sandbox.ts';
import { splitLines } from './lines.ts';
import type { ExitInfo, LaunchSpec, RuntimeProcess } from './types.ts';
import { LOG_FD_NUMBER, type LogFdPipe } from './container-log-fd.ts';

const LOG_FD_VARIABLE = '_LAMBDA_TELEMETRY_LOG_FD';

type Container = ReturnType<ContainerRuntimeClient['container']['getById']>;

/**
 * Signals every process of the function's user in the sandbox ($0 is the signal name), except the
 * harness's own commands (which run with HARNESS_GID). Run as root, which the nproc limit does not
 * bind, so it works even when the function's user is at its limit; plain sh and builtins only, so
 * it works on any base.
 */
const SIGNAL_FUNCTION_USER = `for d in /proc/[0-9]*; do
  u=; g=
  while read -r k v _; do
    case $k in Uid:) u=$v ;; Gid:) g=$v; break ;; esac
  done < "$d/status" 2>/dev/null
  [ "$u" = ${SANDBOX_USER.uid} ] && [ "$g" != ${HARNESS_GID} ] && kill -s "$0" "\${d#/proc/}" 2>/dev/null
done
exit 0`;

/** How long an exit by SIGKILL we did not send waits for the engine's `oom` event. */
const OOM_EVENT_WAIT_MS = 1000;

export class ContainerProcess implements RuntimeProcess {
  readonly pid: number;
  readonly exited: Promise<ExitInfo>;
  readonly #sandbox: Sandbox;
  readonly #limits: SandboxLimits;
  #exit: ExitInfo | undefined;
  #killedByUs = false;
  #peakKb = 0;

  private constructor(pid: number, sandbox: Sandbox, limits: SandboxLimits, exited: (self: ContainerProcess) => Promise<ExitInfo>) {
    this.pid = pid;
    this.#sandbox = sandbox;
    this.#limits = limits;
    this.exited = exited(this).then((info) => {
      this.#exit = info;
      return info;
    });
  }

  static async start(sandbox: Sandbox, events: RunEvents, spec: LaunchSpec, limits: SandboxLimits, logFd?: LogFdPipe): Promise<ContainerProcess> {
    const docker = (await dockerClient()).container.dockerode;
    const container: Container = docker.getContainer(sandbox.id);
    const env = logFd ? { ...spec.env, [LOG_FD_VARIABLE]: String(LOG_FD_NUMBER) } : spec.env;
    const command = ['/usr/bin/env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), spec.bootstrap];
    const argv = logFd ? logFd.wrap(command) : command;
    let stream: Duplex;
    let execId: string;
    let exec: Awaited<ReturnType<Container['exec']>>;
    try {
      exec = await container.exec({ Cmd: argv, AttachStdout: true, AttachStderr: true, User: `${SANDBOX_USER.uid}:${SANDBOX_USER.gid}`, WorkingDir: '/var/task' });
      execId = exec.id;
      stream = (await exec.start({ hijack: true, stdin: false })) as Duplex;
    } catch (err) {
      void logFd?.close();
      throw new BootspecError(ErrorCodes.DRIVER_START_FAILED, `could not start ${spec.bootstrap} in the sandbox: ${firstLine(err)}`, {
        hint: 'the sandbox container may have been removed under us (docker ps -a --filter label=bootspec.sandbox)',
        cause: err,
      });
    }
    const died = events.execDied(execId);
    const oomBefore = events.oomCount(sandbox.id);
    const out = new PassThrough();
    const err = new PassThrough();
    docker.modem.demuxStream(stream, out, err);
    const ended = new Promise<void>((resolve) => {
      const end = () => {
        out.end();
        err.end();
        resolve();
      };
      stream.once('end', end);
      stream.once('close', end);
      stream.once('error', end);
    });
    const lines = Promise.all([
      splitLines(out, (t, at) => spec.onLine('stdout', t, at)),
      splitLines(err, (t, at) => spec.onLine('stderr', t, at)),
    ]);
    const pid = (await exec.inspect().catch(() => undefined))?.Pid ?? 0;

    return new ContainerProcess(pid, sandbox, limits, async (self) => {
      // The main process's end: the engine's exec_die, or the output ending with the exec not running.
      const code = await Promise.race([
        died,
        ended.then(async () => {
          const i = await exec.inspect().catch(() => undefined);
          // no answer: the container is gone (removed under us), and the process with it
          if (!i) return -1;
          return i.Running ? died : (i.ExitCode ?? -1);
        }),
      ]);
      events.forgetExec(execId);
      if (!self.#killedByUs) await self.#signalAll('KILL'); // whatever it left behind goes with it
      await lines;
      await logFd?.close();
      return self.#decode(code, await self.#oomKilled(code, events, oomBefore));
    });
  }

  get hasExited(): boolean {
    return this.#exit !== undefined;
  }

  signal(sig: NodeJS.Signals): void {
    if (this.#exit) return;
    if (sig === 'SIGKILL') this.#killedByUs = true;
    void this.#signalAll(sig.replace(/^SIG/, ''));
  }

  async kill(): Promise<ExitInfo> {
    if (!this.#exit) {
      this.#killedByUs = true;
      await this.#signalAll('KILL');
    }
    return this.exited;
  }

  peakRssKb(): number {
    if (!this.#exit) this.#peakKb = Math.max(this.#peakKb, sandboxPeakKb(this.#sandbox.id, SANDBOX_USER.uid));
    if (this.#exit?.oomKilled) {
      // killed at the limit: the cgroup's peak is the figure (Lambda's "Max Memory Used")
      const peak = cgroupPeakBytes(this.#sandbox.id) ?? this.#limits.memoryBytes;
      return Math.max(this.#peakKb, Math.ceil(peak / 1024));
    }
    return this.#peakKb;
  }

  async #signalAll(name: string): Promise<void> {
    try {
      await this.#sandbox.exec(['/bin/sh', '-c', SIGNAL_FUNCTION_USER, name], 'root');
    } catch {
      // the sandbox is gone, and its processes with it
    }
  }

  /**
   * Whether the kernel killed anything of this generation at the memory limit: as RAPID reads the
   * sandbox's cgroup, the victim may be a child (a bootstrap that runs its runtime as a child and
   * exits 0 afterwards still ran out of memory). A SIGKILL we did not send waits for the event.
   */
  async #oomKilled(code: number, events: RunEvents, oomBefore: number): Promise<boolean> {
    if (this.#killedByUs) return false;
    if (events.oomCount(this.#sandbox.id) > oomBefore) return true;
    if (code !== 128 + constants.signals.SIGKILL) return false;
    return events.waitForOom(this.#sandbox.id, oomBefore, OOM_EVENT_WAIT_MS);
  }

  /** docker reports death by signal N as 128+N, as a shell does; give the signal back (Lambda prints `signal: killed`). */
  #decode(code: number, oomKilled: boolean): ExitInfo {
    const at = Date.now();
    const oom = oomKilled ? { oomKilled } : {};
    if (code > 128 && code <= 128 + 31) {
      const name = Object.entries(constants.signals).find(([, n]) => n === code - 128)?.[0];
      if (name) return { code: null, signal: name as NodeJS.Signals, at, ...oom };
    }
    return { code, signal: null, at, ...oom };
  }
}
