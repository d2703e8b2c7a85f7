/**
 * What a run does, as an ordered list of tasks, so the interleaving is explicit (A B, then B A, per
 * round, per payload) and the progress bar knows its length before anything starts.
 */
import type { ExecutionEnvironment } from '../invoke/execution-environment.ts';
import type { CpuPlacement } from './placement.ts';
import type { LatencyRecorder } from './samples.ts';
import type { SideRecord } from './side.ts';
import type { StreamRecorder } from './stream-figures.ts';
import type { BenchSubject } from './subject.ts';
import type { BenchSettings } from './types.ts';

export interface Task {
  label: string;
  run: () => Promise<void>;
}

export interface FloorRecord {
  pingPong: LatencyRecorder;
  cMock: Map<number, { latency: LatencyRecorder; cycle: LatencyRecorder }>;
  bootspec: { latency: LatencyRecorder; cycle: LatencyRecorder };
}

export interface BenchContext {
  sides: SideRecord[];
  settings: BenchSettings;
  placement: CpuPlacement;
  /** null-c for the floor (without any extra environment). */
  nullC: BenchSubject | undefined;
  floor: FloorRecord | undefined;
  /** The `streaming` phase's floor, a recorder per stream shape (set when the phase runs). */
  streamingFloor?: StreamRecorder[];
  /** Closed at the end of the run whatever happened. */
  open: Set<{ close(): Promise<void> | void }>;
}

/**
 * The sides of a `--vs` run in a round's order, with their index: A B in even rounds, B A in odd ones.
 * Whatever a task leaves behind for the next one (the mock's garbage from the largest payload, caches
 * the other side warmed) then falls on each side equally often. In a fixed A B order it always fell
 * on A: an A/A run measured B's sequential throughput 1.13× A's, and a +10 % slowdown half its size.
 */
export function inRoundOrder<T>(sides: readonly T[], round: number): Array<[number, T]> {
  const entries = [...sides.entries()];
  return round % 2 === 0 ? entries : entries.reverse();
}

/** What each side starts for one round, with the tasks that start and stop them. */
export interface RoundResources<T> {
  /** The sides in this round's order (inRoundOrder), with their index. */
  order: Array<[number, SideRecord]>;
  /** Starts (and warms) every side's resource in the round's order. */
  start: Task;
  /** Closes them, after the round's blocks. */
  stop: Task;
  /** A side's resource, by its index. */
  of(i: number): T;
}

/**
 * Fresh resources for round `r` (an environment, a set of N, a `serve`): a process keeps the speed
 * its start drew (where its heap and buffers landed, what its JIT chose), so a round must start its
 * own for that draw to be in the round's difference and in the interval. With one environment per
 * side for the whole run, a go A/A measured one side's 6 MB p50 at 0.92× the other's in 15 of 16
 * rounds and called it `improved`. `open` starts, warms and registers in ctx.open what it opens.
 */
export function freshForRound<T>(ctx: BenchContext, r: number, phase: string, open: (side: SideRecord) => Promise<T>, parts: (t: T) => Array<{ close(): Promise<void> | void }>): RoundResources<T> {
  const made = new Map<number, T>();
  const order = inRoundOrder(ctx.sides, r);
  const labels = ctx.sides.map((x) => x.subject.label).join(', ');
  return {
    order,
    start: {
      label: `${phase}: start and warm ${labels}, round ${r + 1}`,
      run: async () => {
        for (const [i, side] of order) made.set(i, await open(side));
      },
    },
    stop: { label: `${phase}: stop, round ${r + 1}`, run: () => closeAll(ctx, [...made.values()].flatMap(parts)) },
    of: (i) => made.get(i) as T,
  };
}

/**
 * The payloads of a round, largest first: the smallest, whose blocks also give sequential throughput,
 * then follows the next smallest, not the garbage of 6 MB events.
 */
export function payloadOrder(payloads: readonly number[]): number[] {
  return [...payloads].sort((a, b) => b - a);
}

/** Invokes per block for a payload: large payloads are limited by the bytes budget. */
export function perBlock(s: BenchSettings, bytes: number): number {
  const total = bytes === 0 ? s.invokes : Math.min(s.invokes, Math.floor(s.bytesPerPayload / bytes));
  return Math.max(5, Math.ceil(total / s.rounds));
}

/** Discarded invokes before the first round of a payload. */
export function warmupFor(s: BenchSettings, bytes: number): number {
  if (bytes === 0) return s.warmup;
  return Math.max(3, Math.min(s.warmup, Math.floor(s.bytesPerPayload / 10 / bytes)));
}

/** Discarded invokes at the start of every block (a payload switch disturbs buffers and caches). */
export function blockWarmup(s: BenchSettings, bytes: number): number {
  return Math.max(2, Math.floor(perBlock(s, bytes) / 50));
}

/** Starts an environment and keeps it for closing at the end of the run. */
export async function started(ctx: BenchContext, subject: BenchSubject): Promise<ExecutionEnvironment> {
  const env = await subject.start();
  ctx.open.add(env);
  return env;
}

export async function closeAll(ctx: BenchContext, items: Iterable<{ close(): Promise<void> | void }>): Promise<void> {
  for (const item of [...items]) {
    ctx.open.delete(item);
    await item.close();
  }
}

export function loopMs(s: BenchSettings): number {
  return s.maxLoopSeconds * 1000;
}
