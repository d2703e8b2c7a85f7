/**
 * The opt-in `concurrency` phase: for runtimes that claim the `concurrency` feature, one
 * environment in Lambda Managed Instances mode per level N (maxConcurrency N), warmed, then a
 * closed loop of N callers each sending the probe's `sleep` op back to back. The floor is the ideal
 * curve N / sleep × 1000 invokes/s: what a runtime with zero overhead per invoke would reach.
 */
import { BootspecError, ErrorCodes } from '../errors.ts';
import { ExecutionEnvironment } from '../invoke/execution-environment.ts';
import type { ConcurrencyBlock } from './concurrency-figures.ts';
import { closeAll, inRoundOrder, type BenchContext, type Task } from './plan.ts';
import type { BenchSubject } from './subject.ts';
import type { BenchSettings } from './types.ts';

/** Long enough that overlapping invokes matter even on 2 cores, short enough for many per second. */
export const CONCURRENCY_SLEEP_MS = 20;
export const CONCURRENCY_EVENT = { probe: 'sleep', ms: CONCURRENCY_SLEEP_MS } as const;
export const DEFAULT_CONCURRENCY_LEVELS: readonly number[] = [1, 2, 4, 8];
export const DEFAULT_CONCURRENCY_INVOKES = 200;
/** Upper bound of one level's loop, whatever the count. */
const LEVEL_MAX_MS = 10_000;
/** Warm-up rounds of N overlapping invokes before a level is timed. */
const WARM_ROUNDS = 3;
/** Timed blocks per level: the bootstrap of a `--vs` or `--baseline` comparison resamples them. */
const BLOCKS_PER_LEVEL = 5;

export function levelsOf(s: BenchSettings): number[] {
  return [...(s.concurrencyLevels ?? DEFAULT_CONCURRENCY_LEVELS)];
}

/** Why a subject cannot be measured at concurrency, or undefined when it can. */
export function concurrencySkipReason(subject: BenchSubject): string | undefined {
  const m = subject.prepared.manifest;
  if (!m.features.includes('concurrency')) return `${m.name} does not claim the \`concurrency\` feature in runtime.json`;
  if (!subject.probe) return `${m.name} has no probe to answer the \`sleep\` op (docs/probe-contract.md)`;
  return undefined;
}

/** An environment of `subject` with maxConcurrency `n`, initialised. */
async function managedEnvironment(ctx: BenchContext, subject: BenchSubject, n: number): Promise<ExecutionEnvironment> {
  const env = await ExecutionEnvironment.create({ ...subject.environmentOptions(), config: { ...subject.config, maxConcurrency: n } });
  ctx.open.add(env);
  const init = await env.init();
  if (init.kind !== 'ready') {
    throw new BootspecError(ErrorCodes.DRIVER_START_FAILED, `${subject.label} did not finish init (${init.kind}) with maxConcurrency ${n}`, {
      hint: `check it serves concurrently first: bootspec invoke ${subject.prepared.manifest.dir} --max-concurrency ${n}`,
    });
  }
  return env;
}

/** N callers, each invoking back to back until `total` invokes were sent or `maxMs` passed. */
export async function closedLoop(env: ExecutionEnvironment, n: number, total: number, maxMs: number): Promise<ConcurrencyBlock> {
  let sent = 0;
  let ok = 0;
  let failed = 0;
  const t0 = performance.now();
  const end = t0 + maxMs;
  const caller = async () => {
    while (sent < total && performance.now() < end) {
      sent += 1;
      const record = await env.invoke({ event: CONCURRENCY_EVENT });
      if (record.outcome === 'success') ok += 1;
      else failed += 1;
    }
  };
  await Promise.all(Array.from({ length: n }, caller));
  return { concurrency: n, invokes: ok, failed, seconds: (performance.now() - t0) / 1000 };
}

function sumBlocks(n: number, blocks: ConcurrencyBlock[]): ConcurrencyBlock {
  return blocks.reduce((a, b) => ({ concurrency: n, invokes: a.invokes + b.invokes, failed: a.failed + b.failed, seconds: a.seconds + b.seconds }), { concurrency: n, invokes: 0, failed: 0, seconds: 0 });
}

export function managedConcurrencyTasks(ctx: BenchContext): Task[] {
  const s = ctx.settings;
  const perCaller = s.concurrencyInvokes ?? DEFAULT_CONCURRENCY_INVOKES;
  const tasks: Task[] = [
    {
      label: 'concurrency: check the runtimes',
      run: async () => {
        for (const side of ctx.sides) side.concurrencyCurve = { skipped: concurrencySkipReason(side.subject) ?? null, blocks: [], raw: new Map() };
      },
    },
  ];
  // Level by level, the sides interleaved and their order alternating (A B at N = 1, B A at N = 2, …):
  // a drift in the machine hits both, and what one side leaves behind does not always fall on the other.
  for (const [k, n] of levelsOf(s).entries()) {
    for (const [, side] of inRoundOrder(ctx.sides, k)) {
      tasks.push({
        label: `concurrency: ${side.subject.label}, N = ${n}`,
        run: async () => {
          const curve = side.concurrencyCurve;
          if (!curve || curve.skipped !== null) return;
          const env = await managedEnvironment(ctx, side.subject, n);
          try {
            await closedLoop(env, n, WARM_ROUNDS * n, LEVEL_MAX_MS);
            const blocks: ConcurrencyBlock[] = [];
            const budgetMs = Math.min(LEVEL_MAX_MS, s.maxLoopSeconds * 1000);
            const end = performance.now() + budgetMs;
            const per = Math.max(n, Math.ceil((perCaller * n) / BLOCKS_PER_LEVEL));
            for (let k = 0; k < BLOCKS_PER_LEVEL && performance.now() < end; k++) blocks.push(await closedLoop(env, n, per, end - performance.now()));
            const block = sumBlocks(n, blocks);
            if (block.invokes === 0) {
              throw new BootspecError(ErrorCodes.DRIVER_START_FAILED, `${side.subject.label} answered none of ${block.failed} sleep invokes at maxConcurrency ${n}`, {
                hint: `try it: bootspec invoke ${side.subject.prepared.manifest.dir} --max-concurrency ${n} --event '${JSON.stringify(CONCURRENCY_EVENT)}'`,
              });
            }
            curve.blocks.push(block);
            curve.raw.set(n, blocks.map((b) => ({ invokes: b.invokes, seconds: b.seconds })));
          } finally {
            await closeAll(ctx, [env]);
          }
        },
      });
    }
  }
  return tasks;
}
