import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { join } from 'node:path';
import { BootspecError, ErrorCodes } from '../errors.ts';
import { findBwrap, sandboxArgs } from './bwrap.ts';
import { splitLines } from './lines.ts';
import { TreePeak } from './proc-tree.ts';
import { trackChild } from './reaper.ts';
import type { Driver, DriverPaths, ExitInfo, LaunchSpec, RuntimeProcess } from './types.ts';

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

  paths(spec: Pick<LaunchSpec, 'taskRoot' | 'optDir' | 'tmpDir'>): DriverPaths {
    if (this.#bwrap) return { taskRoot: '/var/task', optDir: '/opt', runtimeDir: '/var/runtime', tmpDir: '/tmp' };
    return { taskRoot: spec.taskRoot, optDir: spec.optDir, runtimeDir: spec.taskRoot, tmpDir: spec.tmpDir };
  }

  async start(spec: LaunchSpec): Promise<RuntimeProcess> {
    const hostBootstrap = spec.bootstrap === '/var/task/bootstrap' ? join(spec.taskRoot, 'bootstrap') : join(spec.optDir, 'bootstrap');
    const [file, args, cwd] = this.#bwrap
      ? [this.#bwrap, [...sandboxArgs(spec), spec.bootstrap], undefined]
      : [hostBootstrap, [], spec.taskRoot];
    const env = this.#bwrap ? spec.env : { ...spec.env, TMPDIR: spec.tmpDir };
    // Its own process group, so a signal reaches the whole tree and Ctrl-C in the terminal does not.
    const child = spawn(file, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
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
    return new LocalProcess(child, spec, this.#bwrap !== null);
  }
}

class LocalProcess implements RuntimeProcess {
  readonly pid: number;
  readonly exited: Promise<ExitInfo>;
  #child: ChildProcess;
  #exit: ExitInfo | undefined;
  #tree: TreePeak;

  constructor(child: ChildProcess, spec: LaunchSpec, sandboxed: boolean) {
    this.#child = child;
    this.pid = child.pid as number;
    this.#tree = new TreePeak(this.pid);
    const untrack = trackChild(this.pid);
    const out = splitLines(child.stdout as NonNullable<typeof child.stdout>, (t, at) => spec.onLine('stdout', t, at));
    const err = splitLines(child.stderr as NonNullable<typeof child.stderr>, (t, at) => spec.onLine('stderr', t, at));
    const exit = new Promise<ExitInfo>((resolve) => {
      child.once('exit', (code, signal) => resolve(decodeExit(code, signal, sandboxed)));
    });
    this.exited = Promise.all([exit, out, err]).then(([info]) => {
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
    try {
      process.kill(-this.pid, sig);
    } catch {
      // already gone
    }
  }

  async kill(): Promise<ExitInfo> {
    this.signal('SIGKILL');
    return this.exited;
  }

  peakRssKb(): number {
    return this.hasExited ? this.#tree.peakKb : this.#tree.sampleKb();
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
