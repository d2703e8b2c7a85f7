/**
 * Where the benchmark's processes run. With taskset and two CPUs, bootspec (the mock) is pinned to
 * one CPU and every runtime it starts to another ("split"), or both share one ("shared"); anything
 * else runs unpinned and says so. The placement is recorded with every result.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { now } from '../clock.ts';
import type { Driver, DriverPaths, EnvironmentSandbox, LaunchSpec, RuntimeProcess, SandboxExecResult, SandboxSpec, SandboxUser } from '../drivers/types.ts';
import { cProgram } from './c-programs.ts';
import type { Placement, PlacementMode } from './types.ts';

/** The CPUs this process may run on, from its affinity mask. */
export function allowedCpus(): number[] {
  const r = spawnSync('taskset', ['-c', '-p', String(process.pid)], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return [];
  const list = r.stdout.split(':').at(-1)?.trim() ?? '';
  const cpus: number[] = [];
  for (const part of list.split(',')) {
    const [a, b] = part.split('-').map(Number);
    if (a === undefined || Number.isNaN(a)) continue;
    for (let c = a; c <= (b ?? a); c++) cpus.push(c);
  }
  return cpus;
}

export function planPlacement(requested: PlacementMode): Placement {
  if (requested === 'none') return { pinned: false, mode: 'none', mockCpu: null, runtimeCpu: null, note: 'unpinned (--pin none)' };
  const cpus = allowedCpus();
  if (cpus.length === 0) return { pinned: false, mode: 'none', mockCpu: null, runtimeCpu: null, note: 'unpinned: taskset is not available' };
  if (requested === 'split' && cpus.length < 2) {
    return { pinned: false, mode: 'none', mockCpu: null, runtimeCpu: null, note: `unpinned: only CPU ${cpus[0]} is available` };
  }
  const mockCpu = cpus[0] as number;
  const runtimeCpu = requested === 'split' ? (cpus[1] as number) : mockCpu;
  const note =
    requested === 'split'
      ? `mock (bootspec, C mock) on CPU ${mockCpu}; runtimes and load generator on CPU ${runtimeCpu}`
      : `mock, runtimes and load generator all on CPU ${mockCpu}`;
  return { pinned: true, mode: requested, mockCpu, runtimeCpu, note };
}

function taskset(args: string[]): void {
  execFileSync('taskset', args, { stdio: 'ignore' });
}

/**
 * Applies a placement to this process and to the processes it starts. A child inherits the CPU mask
 * of the thread that forks it (Node's main thread), so the main thread is moved to the runtime's CPU
 * for the spawn and moved back right after by a small helper, without blocking the event loop.
 */
export class CpuPlacement {
  readonly placement: Placement;
  #helper: ChildProcess | undefined;

  constructor(placement: Placement) {
    this.placement = placement;
    if (!placement.pinned) return;
    taskset(['-a', '-p', '-c', String(placement.mockCpu), String(process.pid)]);
    if (placement.runtimeCpu !== placement.mockCpu) {
      this.#helper = spawn(cProgram('affinity'), ['--cpu', String(placement.mockCpu)], { stdio: ['pipe', 'ignore', 'inherit'] });
      this.#helper.unref();
      (this.#helper.stdin as NodeJS.WritableStream & { unref?: () => void }).unref?.();
    }
  }

  /** Runs `start` (which must fork synchronously) so that the child lands on the runtime's CPU. */
  spawnOnRuntimeCpu<T>(start: () => T): T {
    const p = this.placement;
    if (!p.pinned || p.runtimeCpu === p.mockCpu) return start();
    taskset(['-p', '-c', String(p.runtimeCpu), String(process.pid)]);
    try {
      return start();
    } finally {
      this.#helper?.stdin?.write(`${process.pid} ${p.mockCpu}\n`);
    }
  }

  /** A driver whose runtimes start on the runtime's CPU; `onSpawn` gets the moment of each spawn. */
  driver(inner: Driver, onSpawn?: (at: number) => void): Driver {
    return new PlacedDriver(inner, this, onSpawn);
  }

  /** Command prefix that pins a program we start ourselves (C mock, ping-pong, autocannon). */
  prefix(cpu: 'mock' | 'runtime'): string[] {
    const p = this.placement;
    if (!p.pinned) return [];
    return ['taskset', '-c', String(cpu === 'mock' ? p.mockCpu : p.runtimeCpu)];
  }

  close(): void {
    this.#helper?.stdin?.end();
    this.#helper?.kill();
  }
}

class PlacedDriver implements Driver {
  readonly name: Driver['name'];
  readonly #inner: Driver;
  readonly #cpus: CpuPlacement;
  readonly #onSpawn: ((at: number) => void) | undefined;

  constructor(inner: Driver, cpus: CpuPlacement, onSpawn: ((at: number) => void) | undefined) {
    this.name = inner.name;
    this.#inner = inner;
    this.#cpus = cpus;
    this.#onSpawn = onSpawn;
  }

  get pathFidelity(): boolean {
    return this.#inner.pathFidelity;
  }

  get warning(): string | undefined {
    return this.#inner.warning;
  }

  /** An environment's sandbox (the container driver's is made before its first spawn). */
  async open(spec: SandboxSpec): Promise<EnvironmentSandbox> {
    return new PlacedSandbox(await this.#inner.open(spec), this.name, this.#cpus, this.#onSpawn);
  }
}

class PlacedSandbox implements EnvironmentSandbox {
  readonly paths: DriverPaths;
  /** The inner sandbox's, when it has one. */
  readonly exec?: (argv: string[], user?: SandboxUser) => Promise<SandboxExecResult>;
  readonly logSocketDir?: () => { hostDir: string; sandboxDir: string };
  readonly #inner: EnvironmentSandbox;
  readonly #driver: Driver['name'];
  readonly #cpus: CpuPlacement;
  readonly #onSpawn: ((at: number) => void) | undefined;

  constructor(inner: EnvironmentSandbox, driver: Driver['name'], cpus: CpuPlacement, onSpawn: ((at: number) => void) | undefined) {
    this.paths = inner.paths;
    if (inner.exec) this.exec = inner.exec.bind(inner);
    if (inner.logSocketDir) this.logSocketDir = inner.logSocketDir.bind(inner);
    this.#inner = inner;
    this.#driver = driver;
    this.#cpus = cpus;
    this.#onSpawn = onSpawn;
  }

  start(launch: LaunchSpec): Promise<RuntimeProcess> {
    // The engine starts a container's processes; its cpuset places them (see bench's driverFromFlags).
    if (this.#driver === 'container') {
      this.#onSpawn?.(now());
      return this.#inner.start(launch);
    }
    return this.#cpus.spawnOnRuntimeCpu(() => {
      this.#onSpawn?.(now());
      return this.#inner.start(launch);
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.#inner[Symbol.asyncDispose]();
  }
}
