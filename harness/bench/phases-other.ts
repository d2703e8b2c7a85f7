/** Tasks of the invoke-endpoint phase, cold starts and memory. */
import { treeRssKb } from '../drivers/proc-tree.ts';
import { ExecutionEnvironment } from '../invoke/execution-environment.ts';
import { InvokeEndpoint } from '../invoke/http-endpoint.ts';
import { EnvironmentPool } from '../invoke/pool.ts';
import { payloadLabel } from './events.ts';
import { LoadClient } from './load-client.ts';
import { blockWarmup, closeAll, freshForRound, inRoundOrder, loopMs, payloadOrder, perBlock, started, warmupFor, type BenchContext, type Task } from './plan.ts';
import type { BenchSubject } from './subject.ts';
import { invokeLoop } from './warm-loop.ts';

/** `bootspec serve` for one runtime: a one-environment pool behind the invoke endpoint. */
export async function startServe(subject: BenchSubject): Promise<{ url: string; close(): Promise<void> }> {
  // As `bootspec serve` runs it: logs recorded, exchanges not.
  const pool = new EnvironmentPool({ ...subject.environmentOptions(), record: true, recordExchanges: false }, 1);
  await pool.warm();
  const endpoint = await InvokeEndpoint.start({ pool, functionName: subject.config.functionName, port: 0 });
  return {
    url: endpoint.url,
    close: async () => {
      await endpoint.close();
      await pool.close();
    },
  };
}

/** Latency and autocannon throughput through `bootspec serve`, a fresh `serve` per side every round (plan.ts freshForRound). */
export function endpointTasks(ctx: BenchContext): Task[] {
  const s = ctx.settings;
  let client: LoadClient | undefined;
  const load = () => client as LoadClient;
  // Probe runtimes need JSON echo events; both sides of --vs get the same bytes.
  const probe = ctx.sides.some((x) => x.subject.probe);
  const tasks: Task[] = [
    {
      label: 'endpoint: start the load client',
      run: async () => {
        client = LoadClient.start(ctx.placement);
        ctx.open.add(client);
      },
    },
  ];
  for (let r = 0; r < s.rounds; r++) {
    const round = freshForRound(
      ctx,
      r,
      'endpoint',
      async (side) => {
        const serve = await startServe(side.subject);
        ctx.open.add(serve);
        for (const bytes of s.payloads) {
          await load().latency({ url: serve.url, payloadBytes: bytes, probe, invokes: 0, warmup: warmupFor(s, bytes), maxMs: loopMs(s) });
        }
        return serve;
      },
      (serve) => [serve],
    );
    tasks.push(round.start);
    for (const bytes of payloadOrder(s.payloads)) {
      for (const [i, side] of round.order) {
        tasks.push({
          label: `endpoint: ${side.subject.label}, ${payloadLabel(bytes)}, round ${r + 1}`,
          run: async () => {
            const reply = await load().latency({
              url: round.of(i).url, payloadBytes: bytes, probe, invokes: perBlock(s, bytes), warmup: blockWarmup(s, bytes), maxMs: loopMs(s),
            });
            const rec = side.payload(bytes).endpoint;
            rec.startBlock();
            for (const ns of reply.samplesNs) rec.recordNs(ns);
          },
        });
      }
    }
    for (const [i, side] of round.order) {
      tasks.push({
        label: `endpoint: autocannon ${side.subject.label}, round ${r + 1}`,
        run: async () => {
          const seconds = Math.max(1, s.blockSeconds * 2);
          const reply = await load().autocannon({
            url: round.of(i).url, payloadBytes: s.payloads[0] as number, probe, connections: 1, seconds, maxRequests: Math.ceil(seconds * 200_000),
          });
          side.endpointThroughput.push({ invokes: reply.requests, seconds: reply.seconds });
          side.endpointErrors += reply.errors;
          side.endpointNon2xx += reply.non2xx;
        },
      });
    }
    tasks.push(round.stop);
  }
  tasks.push({ label: 'endpoint: stop the load client', run: async () => void (client && (await closeAll(ctx, [client]))) });
  return tasks;
}

/** Fresh environments, one after another: spawn -> first /next, and -> first result. */
export function coldStartTasks(ctx: BenchContext): Task[] {
  const tasks: Task[] = [];
  for (let k = 0; k < ctx.settings.coldStarts; k++) {
    for (const [, side] of inRoundOrder(ctx.sides, k)) {
      tasks.push({
        label: `cold start: ${side.subject.label} #${k + 1}`,
        run: async () => {
          const env = await ExecutionEnvironment.create(side.subject.environmentOptions());
          ctx.open.add(env);
          try {
            const init = await env.init();
            const spawnAt = side.subject.lastSpawnAt;
            const readyAt = env.api.initResult?.kind === 'ready' ? env.api.initResult.at : undefined;
            if (init.kind !== 'ready' || readyAt === undefined) throw new Error(`${side.subject.label} failed its init (${init.kind})`);
            const first = await env.invoke({ event: side.payload(ctx.settings.payloads[0] as number).event });
            side.coldStartMs.push(readyAt - spawnAt);
            side.firstResultMs.push((first.timings.resultAt ?? first.timings.completedAt) - spawnAt);
          } finally {
            await closeAll(ctx, [env]);
          }
        },
      });
    }
  }
  return tasks;
}

/** Peak RSS and RSS growth of the runtime's process tree across many invokes (a leak shows as growth). */
export function memoryTasks(ctx: BenchContext): Task[] {
  const s = ctx.settings;
  const bytes = s.payloads.includes(1024) ? 1024 : (s.payloads[0] as number);
  return ctx.sides.map((side) => ({
    label: `memory: ${side.subject.label}, ${s.memoryInvokes} invokes of ${payloadLabel(bytes)}`,
    run: async () => {
      const env = await started(ctx, side.subject);
      try {
        const event = side.payload(bytes).event;
        await invokeLoop(env, { event, invokes: Math.min(1000, s.memoryInvokes), maxMs: loopMs(s) });
        const proc = env.process;
        if (!proc) throw new Error('the runtime is gone');
        const before = treeRssKb(proc.pid);
        const block = await invokeLoop(env, { event, invokes: s.memoryInvokes, maxMs: loopMs(s) });
        const after = treeRssKb(proc.pid);
        const mb = (kb: number) => Math.round((kb / 1024) * 100) / 100;
        side.memory = { peakRssMb: mb(proc.peakRssKb()), growthMb: mb(after - before), rssBeforeMb: mb(before), rssAfterMb: mb(after), invokes: block.invokes };
      } finally {
        await closeAll(ctx, [env]);
      }
    },
  }));
}
