/** Tasks of the floor, the warm invoke loop and the concurrent-environments phase. */
import type { ExecutionEnvironment } from '../invoke/execution-environment.ts';
import { eventFor, payloadLabel } from './events.ts';
import { cMockBlock, pingPong } from './floor.ts';
import { blockWarmup, closeAll, freshForRound, loopMs, payloadOrder, perBlock, started, warmupFor, type BenchContext, type Task } from './plan.ts';
import type { SideRecord } from './side.ts';
import { LatencyRecorder } from './samples.ts';
import { concurrentLoops, invokeLoop } from './warm-loop.ts';

export function floorTasks(ctx: BenchContext): Task[] {
  const s = ctx.settings;
  const nullC = ctx.nullC;
  if (!nullC) return [];
  const floor = {
    pingPong: new LatencyRecorder(),
    cMock: new Map(s.payloads.map((b) => [b, { latency: new LatencyRecorder(), cycle: new LatencyRecorder() }])),
    bootspec: { latency: new LatencyRecorder(), cycle: new LatencyRecorder() },
  };
  ctx.floor = floor;
  const empty = eventFor(0, false);
  let env: ExecutionEnvironment | undefined;
  const tasks: Task[] = [
    {
      label: 'floor: start null-c against bootspec',
      run: async () => {
        env = await started(ctx, nullC);
        await invokeLoop(env, { event: empty, invokes: s.warmup, maxMs: loopMs(s) });
      },
    },
  ];
  for (let r = 0; r < s.rounds; r++) {
    tasks.push({
      label: `floor: loopback ping-pong, round ${r + 1}`,
      run: () => pingPong(ctx.placement, Math.max(500, Math.ceil((2 * s.invokes) / s.rounds)), 500, floor.pingPong, loopMs(s)),
    });
    for (const bytes of s.payloads) {
      tasks.push({
        label: `floor: null-c vs C mock, ${payloadLabel(bytes)}, round ${r + 1}`,
        run: async () => {
          const into = floor.cMock.get(bytes);
          if (!into) throw new Error(`internal: no floor recorder for ${bytes} B`);
          await cMockBlock(nullC, ctx.placement, { payloadBytes: bytes, invokes: perBlock(s, bytes), warmup: warmupFor(s, bytes), maxMs: loopMs(s) }, into);
        },
      });
      if (bytes !== 0) continue;
      tasks.push({
        label: `floor: null-c vs bootspec mock, 0 B, round ${r + 1}`,
        run: async () => {
          const e = env as ExecutionEnvironment;
          await invokeLoop(e, { event: empty, invokes: blockWarmup(s, 0), maxMs: loopMs(s) });
          await invokeLoop(e, { event: empty, invokes: perBlock(s, 0), maxMs: loopMs(s), record: { mock: floor.bootspec.latency, cycle: floor.bootspec.cycle } });
        },
      });
    }
  }
  tasks.push({ label: 'floor: stop null-c', run: () => closeAll(ctx, env ? [env] : []) });
  return tasks;
}

/**
 * The warm invoke loop per payload, sides interleaved per round; 0 B blocks give sequential throughput.
 * Every round measures fresh environments (plan.ts freshForRound), each warmed on every payload.
 */
export function latencyTasks(ctx: BenchContext): Task[] {
  const s = ctx.settings;
  const sequentialBytes = Math.min(...s.payloads);
  const tasks: Task[] = [];
  for (let r = 0; r < s.rounds; r++) {
    const round = freshForRound(
      ctx,
      r,
      'warm loop',
      async (side) => {
        const env = await started(ctx, side.subject);
        for (const bytes of s.payloads) await invokeLoop(env, { event: side.payload(bytes).event, invokes: warmupFor(s, bytes), maxMs: loopMs(s) });
        return env;
      },
      (env) => [env],
    );
    tasks.push(round.start);
    for (const bytes of payloadOrder(s.payloads)) {
      for (const [i, side] of round.order) {
        tasks.push({
          label: `warm loop: ${side.subject.label}, ${payloadLabel(bytes)}, round ${r + 1}`,
          run: async () => {
            const env = round.of(i);
            const p = side.payload(bytes);
            await invokeLoop(env, { event: p.event, invokes: blockWarmup(s, bytes), maxMs: loopMs(s) });
            const block = await invokeLoop(env, { event: p.event, invokes: perBlock(s, bytes), maxMs: loopMs(s), record: { mock: p.mock, cycle: p.cycle } });
            if (bytes === sequentialBytes) side.sequential.push(block);
          },
        });
      }
    }
    tasks.push(round.stop);
  }
  return tasks;
}

/**
 * Aggregate invokes/s through N environments running side by side, a fresh set of N every round
 * (plan.ts freshForRound): with one set per side for the whole run, A/A runs flagged
 * `throughput 2 environments` 0.94× and `throughput 4 environments` 1.06×.
 */
export function concurrencyTasks(ctx: BenchContext): Task[] {
  const s = ctx.settings;
  const tasks: Task[] = [];
  const event = (side: SideRecord) => side.payload(s.payloads[0] as number).event;
  for (const n of s.environments) {
    for (let r = 0; r < s.rounds; r++) {
      const round = freshForRound(
        ctx,
        r,
        `throughput (${n} environments)`,
        async (side) => {
          const list: ExecutionEnvironment[] = [];
          for (let k = 0; k < n; k++) list.push(await started(ctx, side.subject));
          await concurrentLoops(list, event(side), 200, s.warmup);
          return list;
        },
        (list) => list,
      );
      tasks.push(round.start);
      for (const [i, side] of round.order) {
        tasks.push({
          label: `throughput: ${n} × ${side.subject.label}, round ${r + 1}`,
          run: async () => {
            const block = await concurrentLoops(round.of(i), event(side), s.blockSeconds * 1000, 10_000_000);
            side.concurrentBlocks(n).push(block);
          },
        });
      }
      tasks.push(round.stop);
    }
  }
  return tasks;
}
