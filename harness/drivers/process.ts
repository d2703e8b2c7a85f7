import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BootspecError, ErrorCodes } from '../errors.ts';
import { findBwrap, sandboxArgs } from './bwrap.ts';
import { splitLines } from './lines.ts';
import { processTree, TreePeak } from './proc-tree.ts';
import { trackChild } from './reaper.ts';
import type { Driver, DriverPaths, EnvironmentSandbox, ExitInfo, LaunchSpec, RuntimeProcess, SandboxSpec } from './types.ts';

/** Scenarios that need /var/task, /opt and /tmp at their real paths; weakened without bubblewrap. */
export const PATH_FIDELITY_NOTE =
  'bubblewrap (bwrap) is missing: the runtime sees host folders instead of /var/task, /opt and a private /tmp; ' +
  'runtimes that use absolute /opt paths fail and /tmp scenarios are skipped. Install it: apt-get install -y bubblewrap';

export interface ProcessDriverOptions {
  /** Force the plain mode (no sandbox) even when bwrap works. */
  noSandbox?: boolean;
}

/** Starts `bootstrap` as a local process: under bubblewrap with Lambda's paths, or plainly. */
export class ProcessDriver implements Driver {
  readonly name = 'process' as const;
  /** A pipe at fd 3, inherited through bubblewrap. */
  readonly telemetryLogFd = true;
  readonly #bwrap: string | null;

  constructor(options: ProcessDriverOptions = {}) {
    this.#bwrap = options.noSandbox ? null : findBwrap();
  }

  get pathFidelity(): boolean {
    return this.#bwrap !== null;
  }

  get warning(): string | undefined {
    return this.#bwrap ? undefined : PATH_FIDELITY_NOTE;
  }

  async open(spec: SandboxSpec): Promise<EnvironmentSandbox> {
    return new ProcessSandbox(spec, this.#bwrap);
  }
}

/**
 * One environment's sandbox: nothing to set up beforehand (bubblewrap builds the view per process),
 * so the handle holds the spec and the processes it started, to end them when it is disposed of.
 */
class ProcessSandbox implements EnvironmentSandbox {
  readonly paths: DriverPaths;
  readonly #spec: SandboxSpec;
  readonly #bwrap: string | null;
  readonly #started = new Set<LocalProcess>();

  constructor(spec: SandboxSpec, bwrap: string | null) {
    this.#spec = spec;
    this.#bwrap = bwrap;
    this.paths = bwrap
      ? { taskRoot: '/var/task', optDir: '/opt', runtimeDir: '/var/runtime', tmpDir: '/tmp' }
      : { taskRoot: spec.taskRoot, optDir: spec.optDir, runtimeDir: spec.taskRoot, tmpDir: spec.tmpDir };
  }

  #logSocketDir: string | undefined;

  /** Made on first use; bubblewrap binds it read-only at LOG_SOCKET_MOUNT for every later process. */
  logSocketDir(): { hostDir: string; sandboxDir: string } {
    this.#logSocketDir ??= mkdtempSync(join(tmpdir(), 'bootspec-log-socket-'));
    return { hostDir: this.#logSocketDir, sandboxDir: this.#bwrap ? LOG_SOCKET_MOUNT : this.#logSocketDir };
  }

  async start(launch: LaunchSpec): Promise<RuntimeProcess> {
    const spec = this.#spec;
    const hostBootstrap = launch.bootstrap.startsWith('/var/task/') ? join(spec.taskRoot, launch.bootstrap.slice(10)) : join(spec.optDir, launch.bootstrap.slice(5));
    const socketBind = this.#logSocketDir === undefined ? [] : ['--ro-bind', this.#logSocketDir, LOG_SOCKET_MOUNT];
    const [file, args, cwd] = this.#bwrap
      ? [this.#bwrap, [...sandboxArgs(spec), ...socketBind, launch.bootstrap], undefined]
      : [hostBootstrap, [], spec.taskRoot];
    const base = this.#bwrap ? launch.env : { ...launch.env, TMPDIR: spec.tmpDir };
    // The telemetry log fd is the child's fd 3 (bwrap passes inherited descriptors through).
    const env = launch.onLogFd ? { ...base, [LOG_FD_VARIABLE]: '3' } : base;
    const stdio: ('ignore' | 'pipe')[] = launch.onLogFd ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'];
    // Its own process group, so a signal reaches the whole tree and Ctrl-C in the terminal does not.
    const child = spawn(file, args, { cwd, env, detached: true, stdio });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (err) =>
        reject(
          new BootspecError(ErrorCodes.DRIVER_START_FAILED, `could not start ${hostBootstrap}: ${err.message}`, {
            hint: 'check that the bootstrap is executable and its #! interpreter exists',
            cause: err,
          }),
        ),
      );
    });
    const proc = new LocalProcess(child, launch, this.#bwrap !== null);
    this.#started.add(proc);
    void proc.exited.then(() => this.#started.delete(proc));
    return proc;
  }

  /** Kills what is still running (an environment ends its runtime first; this is the backstop). */
  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.all([...this.#started].map((p) => p.kill()));
    if (this.#logSocketDir !== undefined) rmSync(this.#logSocketDir, { recursive: true, force: true });
  }
}

class LocalProcess implements RuntimeProcess {
  readonly pid: number;
  readonly exited: Promise<ExitInfo>;
  #child: ChildProcess;
  #exit: ExitInfo | undefined;
  #tree: TreePeak;

  readonly #sandboxed: boolean;

  constructor(child: ChildProcess, spec: LaunchSpec, sandboxed: boolean) {
    this.#child = child;
    this.#sandboxed = sandboxed;
    this.pid = child.pid as number;
    this.#tree = new TreePeak(this.pid);
    const untrack = trackChild(this.pid);
    const out = splitLines(child.stdout as NonNullable<typeof child.stdout>, (t, at) => spec.onLine('stdout', t, at));
    const err = splitLines(child.stderr as NonNullable<typeof child.stderr>, (t, at) => spec.onLine('stderr', t, at));
    const exit = new Promise<ExitInfo>((resolve) => {
      child.once('exit', (code, signal) => resolve(decodeExit(code, signal, sandboxed)));
    });
    const logFd = readLogFd(child, spec.onLogFd);
    this.exited = Promise.all([exit, out, err, logFd]).then(([info]) => {
      untrack();
      this.#tree.close();
      this.#exit = info;
      return info;
    });
  }

  get hasExited(): boolean {
    return this.#exit !== undefined || this.#child.exitCode !== null || this.#child.signalCode !== null;
  }

  signal(sig: NodeJS.Signals): void {
    // Under bubblewrap a catchable signal goes to the runtime's processes only: bwrap itself dies of
    // SIGTERM and takes the whole namespace down with it (--die-with-parent), so a runtime would seem
    // to exit at once whatever it does with the signal.
    if (this.#sandboxed && sig !== 'SIGKILL') {
      for (const pid of processTree(this.pid)) if (!isBwrap(pid)) sendSignal(pid, sig);
      return;
    }
    sendSignal(-this.pid, sig);
  }

  async kill(): Promise<ExitInfo> {
    this.signal('SIGKILL');
    return this.exited;
  }

  peakRssKb(): number {
    return this.hasExited ? this.#tree.peakKb : this.#tree.sampleKb();
  }
}

const LOG_FD_VARIABLE = '_LAMBDA_TELEMETRY_LOG_FD';
/** Where a sandboxed runtime sees the Managed Instances log socket's folder (under /var/runtime, which bubblewrap lays out itself). */
const LOG_SOCKET_MOUNT = '/var/runtime/bootspec-log-socket';

/** Reads the telemetry log fd to its end (resolves at once when there is none). */
function readLogFd(child: ChildProcess, onLogFd: LaunchSpec['onLogFd']): Promise<void> {
  const stream = child.stdio[3];
  if (!onLogFd || !stream || !('on' in stream)) return Promise.resolve();
  return new Promise((resolve) => {
    stream.on('data', (chunk: Buffer) => onLogFd(chunk, Date.now()));
    let ended = false;
    const done = () => {
      if (ended) return;
      ended = true;
      onLogFd(null, Date.now());
      resolve();
    };
    stream.once('end', done);
    stream.once('error', done);
  });
}

function sendSignal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

function isBwrap(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'bwrap';
  } catch {
    return true; // gone: nothing to signal
  }
}

/**
 * bwrap reports a child killed by signal N as exit status 128+N; turn that back into the signal so
 * `Runtime exited with error: signal: killed` reads as it does on Lambda.
 */
function decodeExit(code: number | null, signal: NodeJS.Signals | null, sandboxed: boolean): ExitInfo {
  if (sandboxed && code !== null && code > 128 && code <= 128 + 31) {
    const name = Object.entries(constants.signals).find(([, n]) => n === code - 128)?.[0];
    if (name) return { code: null, signal: name as NodeJS.Signals, at: Date.now() };
  }
  return { code, signal, at: Date.now() };
}
