/**
 * The same-run floor: a bare loopback round trip, and null-c against a minimal C mock, measured in
 * the same run as everything else so every figure can be read against what the machine allows.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { buildEnvironment } from '../environment/env.ts';
import { BootspecError, ErrorCodes } from '../errors.ts';
import { cProgram } from './c-programs.ts';
import type { CpuPlacement } from './placement.ts';
import type { LatencyRecorder } from './samples.ts';
import type { BenchSubject } from './subject.ts';

/** Runs a program to its end and returns its stdout lines; bounded by `maxMs`. */
function runLines(argv: string[], maxMs: number, onStarted?: (line: string) => Promise<void> | void): Promise<string[]> {
  const [file, ...args] = argv as [string, ...string[]];
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), maxMs);
  const rl = createInterface({ input: child.stdout });
  let first = true;
  rl.on('line', (line) => {
    if (first && onStarted) {
      first = false;
      void Promise.resolve(onStarted(line)).catch(() => child.kill('SIGKILL'));
      return;
    }
    lines.push(line);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve(lines);
      reject(
        new BootspecError(ErrorCodes.WAIT_TIMEOUT, `${file} ${signal === 'SIGKILL' ? `did not finish within ${maxMs / 1000} s` : `exited with ${code ?? signal}`}: ${stderr.trim()}`, {
          hint: 'the machine may be overloaded; lower --invokes, or leave the floor out with --phases',
        }),
      );
    });
  });
}

/** Loopback TCP ping-pong, one byte each way, client on the runtime's CPU and server on the mock's. */
export async function pingPong(placement: CpuPlacement, rounds: number, warmup: number, into: LatencyRecorder, maxMs: number): Promise<void> {
  const p = placement.placement;
  const lines = await runLines(
    [cProgram('pingpong'), '--rounds', String(rounds), '--warmup', String(warmup), '--client-cpu', String(p.runtimeCpu ?? -1), '--server-cpu', String(p.mockCpu ?? -1)],
    maxMs,
  );
  into.startBlock();
  for (const l of lines) into.recordNs(Number(l));
}

/**
 * One block of null-c against the C mock: `warmup` + `invokes` invocations of `payloadBytes`, the
 * runtime started by the same (placed, sandboxed) driver as against bootspec's mock.
 */
export async function cMockBlock(
  nullC: BenchSubject,
  placement: CpuPlacement,
  o: { payloadBytes: number; invokes: number; warmup: number; maxMs: number },
  into: { latency: LatencyRecorder; cycle: LatencyRecorder },
): Promise<void> {
  const tmpDir = mkdtempSync(join(nullC.prepared.workDir, 'cmock-tmp-'));
  let stopRuntime: (() => Promise<unknown>) | undefined;
  try {
    const argv = [
      cProgram('cmock'),
      '--invokes', String(o.invokes),
      '--warmup', String(o.warmup),
      '--payload', String(o.payloadBytes),
      '--cpu', String(placement.placement.mockCpu ?? -1),
    ];
    const lines = await runLines(argv, o.maxMs, async (portLine) => {
      const port = Number(/^port (\d+)$/.exec(portLine)?.[1]);
      const files = nullC.prepared.files;
      const sandbox = await nullC.driver.open({ taskRoot: files.taskRoot, optDir: files.optDir, tmpDir, memoryMb: nullC.config.memoryMb });
      const env = buildEnvironment({ config: nullC.config, paths: sandbox.paths, runtimeApi: `127.0.0.1:${port}`, manifestEnv: nullC.prepared.manifest.env, extra: nullC.extraEnv });
      const proc = await sandbox.start({ bootstrap: files.bootstrap, env, onLine: () => {} }).catch(async (err: unknown) => {
        await sandbox[Symbol.asyncDispose]();
        throw err;
      });
      stopRuntime = async () => {
        await proc.kill();
        await sandbox[Symbol.asyncDispose]();
      };
    });
    into.latency.startBlock();
    into.cycle.startBlock();
    for (const line of lines) {
      const [cycle, latency] = line.split(' ').map(Number);
      if (latency === undefined || Number.isNaN(latency)) continue;
      into.latency.recordNs(latency);
      if ((cycle as number) > 0) into.cycle.recordNs(cycle as number);
    }
  } finally {
    await stopRuntime?.();
    rmSync(tmpDir, { recursive: true, force: true });
  }
}
