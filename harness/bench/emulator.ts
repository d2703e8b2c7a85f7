/**
 * The AWS Runtime Interface Emulator (aws-lambda-rie) as a process, for side-by-side comparisons
 * with `bootspec serve`. It is installed by scripts/bench-install-rie.sh into a cache folder; none of
 * its code is part of bootspec. Both of its listeners are bound to 127.0.0.1.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processTree } from '../drivers/proc-tree.ts';
import { buildEnvironment } from '../environment/env.ts';
import { BootspecError, ErrorCodes } from '../errors.ts';
import type { CpuPlacement } from './placement.ts';
import type { BenchSubject } from './subject.ts';

export function emulatorPath(): string {
  const base = process.env.BOOTSPEC_BIN_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'bootspec', 'bin');
  const path = join(base, 'aws-lambda-rie');
  if (!existsSync(path)) {
    throw new BootspecError(ErrorCodes.DRIVER_START_FAILED, `the AWS Runtime Interface Emulator is not installed at ${path}`, {
      hint: 'install it with scripts/bench-install-rie.sh (Go module proxy, pinned version)',
    });
  }
  return path;
}

/** A free port on 127.0.0.1 (released just before use; fine for a benchmark on a quiet loopback). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Waits for the emulator's invoke listener: a condition, polled with a growing delay, bounded. */
export async function waitForListener(port: number, ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (let delay = 5; Date.now() < end; delay = Math.min(100, delay * 2)) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(delay);
  }
  throw new BootspecError(ErrorCodes.WAIT_TIMEOUT, `aws-lambda-rie did not listen on 127.0.0.1:${port} within ${ms / 1000} s`, {
    hint: 'run it by hand to see its output: aws-lambda-rie --log-level debug <bootstrap>',
  });
}

export interface RunningEmulator {
  url: string;
  /** Moves the runtime the emulator started (after its first invoke) to the runtime's CPU. */
  placeRuntime(): void;
  /** How the emulator ended, if it has within `ms` (it can crash under load: a nil dereference in rapidcore). */
  exit(ms: number): Promise<string | undefined>;
  close(): Promise<void>;
}

/** Starts aws-lambda-rie on the subject's bootstrap (unsandboxed, as the emulator runs it). */
export async function startEmulator(subject: BenchSubject, placement: CpuPlacement): Promise<RunningEmulator> {
  const rie = emulatorPath();
  const [apiPort, invokePort] = [await freePort(), await freePort()];
  const files = subject.prepared.files;
  const env = buildEnvironment({
    config: subject.config,
    paths: { taskRoot: files.taskRoot, optDir: files.optDir, runtimeDir: files.taskRoot, tmpDir: subject.prepared.workDir },
    runtimeApi: `127.0.0.1:${apiPort}`,
    manifestEnv: subject.prepared.manifest.env,
    extra: subject.extraEnv,
  });
  const argv = [
    ...placement.prefix('mock'),
    rie,
    '--log-level', 'error',
    '--runtime-api-address', `127.0.0.1:${apiPort}`,
    '--runtime-interface-emulator-address', `127.0.0.1:${invokePort}`,
    files.bootstrapHostPath,
  ];
  const child = spawn(argv[0] as string, argv.slice(1), { cwd: files.taskRoot, env, stdio: ['ignore', 'ignore', 'inherit'], detached: true });
  let ended: string | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      ended = signal ? `signal ${signal}` : `exit code ${code}`;
      resolve();
    }),
  );
  try {
    await waitForListener(invokePort, 10_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const p = placement.placement;
  return {
    url: `http://127.0.0.1:${invokePort}/2015-03-31/functions/function/invocations`,
    placeRuntime: () => {
      if (!p.pinned || child.pid === undefined) return;
      // taskset execs the emulator in place: its pid is the child's, the runtime is below it
      for (const pid of processTree(child.pid)) {
        if (pid === child.pid) continue;
        execFileSync('taskset', ['-a', '-p', '-c', String(p.runtimeCpu), String(pid)], { stdio: 'ignore' });
      }
    },
    exit: async (ms) => {
      await Promise.race([exited, new Promise((r) => setTimeout(r, ms).unref())]);
      return ended;
    },
    close: async () => {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      await exited;
    },
  };
}
