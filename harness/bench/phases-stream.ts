/**
 * The `streaming` phase: for runtimes that claim the `streaming` feature, blocks of the probe's
 * `stream` op from its streaming handler, read unshaped (the bandwidth rule off: `bandwidth: null`),
 * each timed from the mock's record of its arrivals; the same streams from a minimal client are the
 * floor, interleaved with them round by round (floor, A, B, …).
 */
import type { RuntimeApi } from '../api/runtime-api.ts';
import type { FunctionConfig } from '../environment/types.ts';
import { BootspecError, ErrorCodes } from '../errors.ts';
import { ExecutionEnvironment } from '../invoke/execution-environment.ts';
import { buildRequest } from '../invoke/request.ts';
import { closeAll, inRoundOrder, loopMs, type BenchContext, type Task } from './plan.ts';
import type { SideRecord } from './side.ts';
import { StreamFloor } from './stream-floor.ts';
import { StreamRecorder, streamEvent, streamLabel, streamSample, type StreamShape } from './stream-figures.ts';
import type { BenchSubject } from './subject.ts';
import type { BenchSettings } from './types.ts';

/** A short stream (time to first byte) and a long one (throughput), both past the 6 MB burst only in the second. */
export const STREAM_SHAPES: readonly StreamShape[] = [
  { chunks: 8, chunkBytes: 64 * 1024 },
  { chunks: 128, chunkBytes: 64 * 1024 },
];

/** The streaming handler beside the probe's (docs/probe-contract.md): `probe.handler` -> `probe.streaming`. */
export function streamingHandler(handler: string): string {
  const dot = handler.lastIndexOf('.');
  return dot < 0 ? handler : `${handler.slice(0, dot)}.streaming`;
}

/** Why a subject cannot be measured streaming, or undefined when it can. */
export function streamingSkipReason(subject: BenchSubject): string | undefined {
  const m = subject.prepared.manifest;
  if (!m.features.includes('streaming')) return `${m.name} does not claim the \`streaming\` feature in runtime.json`;
  if (!subject.probe) return `${m.name} has no probe to answer the \`stream\` op (docs/probe-contract.md)`;
  return undefined;
}

/** Invokes of one block for a stream of `bytes`: half the per-payload bytes budget over the rounds. */
export function streamInvokes(s: BenchSettings, bytes: number): number {
  return Math.max(2, Math.ceil(Math.min(s.invokes, Math.floor(s.bytesPerPayload / 2 / bytes)) / s.rounds));
}

/**
 * `invokes` streamed invokes back to back at `api`, each recorded into `into` (nothing when null:
 * warm-up). Fails on anything but a whole streamed response, or when `gone` rejects first.
 */
export async function streamLoop(
  api: RuntimeApi,
  config: FunctionConfig,
  o: { shape: StreamShape; invokes: number; maxMs: number; into: StreamRecorder | null; gone: Promise<never> },
): Promise<void> {
  const event = streamEvent(o.shape);
  const expected = o.shape.chunks * o.shape.chunkBytes;
  const stallMs = o.maxMs + 30_000;
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new BootspecError(ErrorCodes.WAIT_TIMEOUT, `a streaming loop did not finish within ${stallMs / 1000} s`, { hint: 'try the stream op with bootspec invoke --logs, or leave the phase out with --phases' })),
      stallMs,
    );
    timer.unref();
  });
  const loop = async () => {
    const end = performance.now() + o.maxMs;
    o.into?.startBlock();
    for (let n = 0; n < o.invokes && performance.now() < end; n++) {
      // Read unshaped (the bandwidth rule off) and kept nowhere: only the arrivals are timed.
      const request = buildRequest({ event, responseStream: { callerStreams: true, bandwidth: null, keepBytes: 0 } }, config, true);
      request.deadlineMs = Math.floor(Date.now() + config.timeoutS * 1000);
      const pending = api.invoke(request);
      const inflight = api.inflight;
      const result = await pending;
      const stream = result.kind === 'response' ? result.stream : undefined;
      if (stream?.end !== 'complete' || stream.size !== expected) {
        const what = stream ? `${stream.size} bytes (${stream.end})` : result.kind === 'response' ? 'a buffered response' : result.kind === 'error' ? 'an error posted to /error' : result.kind;
        throw new BootspecError(ErrorCodes.DRIVER_START_FAILED, `the stream op (${streamLabel(o.shape)}) got ${what}, not ${expected} streamed bytes`, {
          hint: `check it streams: bootspec invoke <runtime> --handler ${streamingHandler(config.handler)} --event '${event.toString()}'`,
        });
      }
      const sample = streamSample(inflight?.firstDeliveredAt, stream.arrivals);
      if (sample) o.into?.record(sample);
    }
  };
  try {
    await Promise.race([loop(), o.gone, stalled]);
  } finally {
    clearTimeout(timer);
  }
}

/** Per-side streaming state: its environment and a recorder per shape. */
function sideStreaming(side: SideRecord): NonNullable<SideRecord['streaming']> {
  side.streaming ??= { skipped: null, handler: null, recorders: STREAM_SHAPES.map((shape) => new StreamRecorder(shape)) };
  return side.streaming;
}

export function streamingTasks(ctx: BenchContext): Task[] {
  const s = ctx.settings;
  const measured = ctx.sides.filter((side) => {
    const reason = streamingSkipReason(side.subject);
    if (reason !== undefined) sideStreaming(side).skipped = reason;
    return reason === undefined;
  });
  if (measured.length === 0) return [];
  const envs = new Map<SideRecord, { env: ExecutionEnvironment; config: FunctionConfig }>();
  const floorRecorders = STREAM_SHAPES.map((shape) => new StreamRecorder(shape));
  ctx.streamingFloor = floorRecorders;
  let floor: StreamFloor | undefined;
  const warmup = Math.max(1, Math.min(3, s.warmup));
  /**
   * A runtime that claims streaming but fails at it loses its streaming figures, not the whole run:
   * the failure is its `skipped` reason (printed and saved), and its later blocks do nothing.
   */
  const guarded = async (side: SideRecord, run: () => Promise<void>): Promise<void> => {
    const state = sideStreaming(side);
    if (state.skipped !== null) return;
    try {
      await run();
    } catch (err) {
      state.skipped = `${side.subject.name} claims \`streaming\` but its stream op failed: ${(err as Error).message}`;
      process.stderr.write(`bootspec: warning: ${state.skipped}\n`);
      const opened = envs.get(side);
      envs.delete(side);
      if (opened) await closeAll(ctx, [opened.env]).catch(() => undefined);
    }
  };
  const tasks: Task[] = [
    {
      label: 'streaming: start the floor client',
      run: async () => {
        floor = await StreamFloor.start(ctx.placement);
        ctx.open.add(floor);
        for (const shape of STREAM_SHAPES) await streamLoop(floor.api, measured[0]?.subject.config as FunctionConfig, { shape, invokes: warmup, maxMs: loopMs(s), into: null, gone: floor.exited });
      },
    },
  ];
  for (const side of measured) {
    tasks.push({
      label: `streaming: start ${side.subject.label}`,
      run: () =>
        guarded(side, async () => {
          const handler = streamingHandler(side.subject.config.handler);
          sideStreaming(side).handler = handler;
          const config = { ...side.subject.config, handler };
          const env = await ExecutionEnvironment.create({ ...side.subject.environmentOptions(), config });
          ctx.open.add(env);
          envs.set(side, { env, config });
          const init = await env.init();
          if (init.kind !== 'ready') throw new BootspecError(ErrorCodes.DRIVER_START_FAILED, `${side.subject.label} did not finish init (${init.kind}) with handler ${handler}`, { hint: `check it streams: bootspec invoke ${side.subject.prepared.manifest.dir} --handler ${handler}` });
          for (const shape of STREAM_SHAPES) await streamLoop(env.api, config, { shape, invokes: warmup, maxMs: loopMs(s), into: null, gone: exitedOf(env) });
        }),
    });
  }
  for (let r = 0; r < s.rounds; r++) {
    STREAM_SHAPES.forEach((shape, k) => {
      const invokes = streamInvokes(s, shape.chunks * shape.chunkBytes);
      tasks.push({
        label: `streaming: floor, ${streamLabel(shape)}, round ${r + 1}`,
        run: async () => {
          const f = floor as StreamFloor;
          await streamLoop(f.api, measured[0]?.subject.config as FunctionConfig, { shape, invokes, maxMs: loopMs(s), into: floorRecorders[k] as StreamRecorder, gone: f.exited });
        },
      });
      for (const [, side] of inRoundOrder(measured, r)) {
        tasks.push({
          label: `streaming: ${side.subject.label}, ${streamLabel(shape)}, round ${r + 1}`,
          run: () =>
            guarded(side, async () => {
              const { env, config } = envs.get(side) as { env: ExecutionEnvironment; config: FunctionConfig };
              await streamLoop(env.api, config, { shape, invokes, maxMs: loopMs(s), into: sideStreaming(side).recorders[k] as StreamRecorder, gone: exitedOf(env) });
            }),
        });
      }
    });
  }
  tasks.push({
    label: 'streaming: stop',
    run: async () => {
      await closeAll(ctx, [...[...envs.values()].map((e) => e.env), ...(floor ? [floor] : [])]);
    },
  });
  return tasks;
}

/** Rejects when the environment's runtime exits (a loop must not wait on a dead runtime). */
function exitedOf(env: ExecutionEnvironment): Promise<never> {
  const proc = env.process;
  if (!proc) return Promise.reject(new BootspecError(ErrorCodes.ENVIRONMENT_CLOSED, 'the environment has no runtime process', { hint: 'start it first' }));
  const gone = proc.exited.then((e) => {
    throw new BootspecError(ErrorCodes.DRIVER_START_FAILED, `the runtime exited during the streaming benchmark (${e.signal ?? `code ${e.code}`})`, {
      hint: 'invoke it once with bootspec invoke <runtime> --logs to see why',
    });
  });
  gone.catch(() => undefined);
  return gone;
}
