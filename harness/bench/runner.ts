/** Runs the planned tasks in order with progress, always cleans up, and assembles the result. */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { compare } from './compare.ts';
import { percentileBlocks } from './samples.ts';
import { bootstrapDifference } from './stats.ts';
import { payloadLabel } from './events.ts';
import { floorTasks, concurrencyTasks, latencyTasks } from './phases-warm.ts';
import { coldStartTasks, endpointTasks, memoryTasks } from './phases-other.ts';
import { managedConcurrencyTasks } from './phases-concurrency.ts';
import { streamingTasks } from './phases-stream.ts';
import { STREAM_FLOOR_CLIENT } from './stream-floor.ts';
import type { CpuPlacement } from './placement.ts';
import type { BenchContext, FloorRecord, Task } from './plan.ts';
import { SideRecord } from './side.ts';
import type { BenchSubject } from './subject.ts';
import { BENCH_SCHEMA_ID, BENCH_SCHEMA_VERSION, type BenchResult, type BenchSettings, type FloorFigures, type HostInfo, type Phase } from './types.ts';

export interface Progress {
  start(total: number): void;
  step(label: string): void;
  done(): void;
}

export interface RunOptions {
  subjects: BenchSubject[];
  nullC: BenchSubject | undefined;
  settings: BenchSettings;
  placement: CpuPlacement;
  progress: Progress;
  sandbox: boolean;
  driver: string;
  /** Filled with the milliseconds each phase took (what `--shard-durations` balances by). */
  phaseMs?: Map<Phase, number>;
}

export function hostInfo(placement: CpuPlacement, sandbox: boolean, driver: string): HostInfo {
  const [l1, l5, l15] = loadavg();
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    // all online CPUs, not this process's mask (which the placement has narrowed)
    cores: cpus().length,
    kernel: release(),
    node: process.version,
    loadAverage: [l1 ?? 0, l5 ?? 0, l15 ?? 0].map((x) => Math.round(x * 100) / 100) as [number, number, number],
    placement: placement.placement,
    sandbox,
    driver,
  };
}

type PhaseTask = Task & { phase: Phase };

function plan(ctx: BenchContext): PhaseTask[] {
  const on = new Set(ctx.settings.phases);
  const of = (phase: Phase, tasks: (c: BenchContext) => Task[]): PhaseTask[] => (on.has(phase) ? tasks(ctx).map((t) => ({ ...t, phase })) : []);
  return [
    ...of('floor', floorTasks),
    ...of('latency', latencyTasks),
    ...of('throughput', concurrencyTasks),
    ...of('endpoint', endpointTasks),
    ...of('cold-start', coldStartTasks),
    ...of('memory', memoryTasks),
    ...of('streaming', streamingTasks),
    ...of('concurrency', managedConcurrencyTasks),
  ];
}

function floorFigures(f: FloorRecord | undefined): FloorFigures | null {
  if (!f || f.pingPong.count === 0) return null;
  const cMock = [...f.cMock].map(([bytes, r]) => ({ payload: payloadLabel(bytes), payloadBytes: bytes, latency: r.latency.summary(), cycle: r.cycle.summary() }));
  const bootspec = { latency: f.bootspec.latency.summary(), cycle: f.bootspec.cycle.summary() };
  const cMockZero = f.cMock.get(0)?.cycle.blocks.filter((b) => b.count > 0) ?? [];
  const bootspecBlocks = f.bootspec.cycle.blocks.filter((b) => b.count > 0);
  let overheadCiUs: [number, number] | null = null;
  if (cMockZero.length >= 2 && bootspecBlocks.length >= 2) {
    // Rounds interleave the two mocks, so they are resampled in pairs.
    const d = bootstrapDifference(percentileBlocks(cMockZero, 50), percentileBlocks(bootspecBlocks, 50), { paired: true });
    overheadCiUs = [Math.round(d.ciLow / 10) / 100, Math.round(d.ciHigh / 10) / 100];
  }
  return {
    pingPongUs: f.pingPong.summary().p50Us,
    cMockUs: cMock.find((c) => c.payloadBytes === 0)?.cycle.p50Us ?? 0,
    bootspecMockUs: bootspec.cycle.p50Us,
    pingPong: f.pingPong.summary(),
    cMock,
    bootspecMock: bootspec,
    overheadCiUs,
  };
}

function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

export async function runBench(o: RunOptions): Promise<BenchResult> {
  const started = Date.now();
  const host = hostInfo(o.placement, o.sandbox, o.driver);
  const probeEvents = o.subjects.some((s) => s.probe);
  const ctx: BenchContext = {
    sides: o.subjects.map((s) => new SideRecord(s, o.settings.payloads, probeEvents)),
    settings: o.settings,
    placement: o.placement,
    nullC: o.nullC,
    floor: undefined,
    open: new Set(),
  };
  const tasks = plan(ctx);
  o.progress.start(tasks.length);
  try {
    for (const task of tasks) {
      o.progress.step(task.label);
      const t0 = performance.now();
      await task.run();
      o.phaseMs?.set(task.phase, (o.phaseMs.get(task.phase) ?? 0) + (performance.now() - t0));
    }
  } finally {
    o.progress.done();
    for (const item of [...ctx.open].reverse()) {
      try {
        await item.close();
      } catch {
        // already failing or closing; the first error is the one to report
      }
    }
  }
  const [a, b] = ctx.sides.map((s) => s.figures());
  if (!a) throw new Error('internal: no runtime to benchmark');
  const floor = floorFigures(ctx.floor);
  const s = o.settings;
  return {
    $schema: BENCH_SCHEMA_ID,
    schemaVersion: BENCH_SCHEMA_VERSION,
    bootspec: version(),
    startedAt: new Date(started).toISOString(),
    durationS: Math.round((Date.now() - started) / 100) / 10,
    host,
    settings: s,
    floor,
    mockOverheadUs: floor ? Math.round((floor.bootspecMockUs - floor.cMockUs) * 100) / 100 : null,
    runtime: a.runtime,
    latency: a.latency,
    throughput: a.throughput,
    coldStart: a.coldStart,
    memory: a.memory,
    ...(a.streaming ? { streaming: a.streaming } : {}),
    ...(a.concurrency ? { concurrency: a.concurrency } : {}),
    ...(ctx.settings.phases.includes('streaming')
      ? { streamingFloor: ctx.streamingFloor ? { client: STREAM_FLOOR_CLIENT, streams: ctx.streamingFloor.map((r) => r.figure()) } : null }
      : {}),
    raw: a.raw,
    vs: b ?? null,
    comparison: b
      ? compare(a.raw, b.raw, {
          kind: 'vs',
          reference: o.subjects[0]?.label ?? a.runtime.name,
          candidate: o.subjects[1]?.label ?? b.runtime.name,
          threshold: s.threshold,
          resamples: s.resamples,
          seed: s.seed,
          paired: true,
        })
      : null,
  };
}
