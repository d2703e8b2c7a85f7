/**
 * The warm invoke loop, driven at the Runtime API of one environment: the event is handed to the
 * mock, the runtime takes it on /next and posts the result. Nothing is recorded but two clocks.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BootspecError, ErrorCodes } from '../errors.ts';
import type { ExecutionEnvironment } from '../invoke/execution-environment.ts';
import { buildRequest } from '../invoke/request.ts';
import type { LatencyRecorder } from './samples.ts';
import type { RateBlock } from './types.ts';

export interface LoopRecorders {
  /** Event handed to /next -> result posted (the mock's own stamps). */
  mock?: LatencyRecorder;
  /** One result posted -> the next (the whole per-invoke cost). */
  cycle?: LatencyRecorder;
}

export interface LoopOptions {
  event: Buffer;
  /** Stop after this many invokes… */
  invokes: number;
  /** …or once this many ms have passed, whichever comes first. */
  maxMs: number;
  record?: LoopRecorders;
}

/** Runs invokes back to back; returns how many ran in how long. Fails if the runtime dies or stalls. */
export async function invokeLoop(env: ExecutionEnvironment, o: LoopOptions): Promise<RateBlock> {
  const proc = env.process;
  if (!proc) throw new BootspecError(ErrorCodes.ENVIRONMENT_CLOSED, 'the environment has no runtime process', { hint: 'start it first' });
  let stop = false;
  const loop = runLoop(env, o, () => stop);
  const stallMs = o.maxMs + 30_000;
  const failure = Promise.race([
    proc.exited.then((e) => {
      throw new BootspecError(ErrorCodes.DRIVER_START_FAILED, `the runtime exited during the benchmark (${e.signal ?? `code ${e.code}`})`, {
        hint: 'invoke it once with bootspec invoke <runtime> --logs to see why',
      });
    }),
    sleep(stallMs, undefined, { ref: false }).then(() => {
      throw new BootspecError(ErrorCodes.WAIT_TIMEOUT, `an invoke loop did not finish within ${stallMs / 1000} s`, {
        hint: 'the runtime stopped answering /next; try it with bootspec invoke --logs, or lower --invokes',
      });
    }),
  ]);
  try {
    return await Promise.race([loop, failure]);
  } finally {
    stop = true;
  }
}

async function runLoop(env: ExecutionEnvironment, o: LoopOptions, stopped: () => boolean): Promise<RateBlock> {
  const api = env.api;
  const config = env.config;
  const timeoutMs = config.timeoutS * 1000;
  const mock = o.record?.mock;
  const cycle = o.record?.cycle;
  mock?.startBlock();
  cycle?.startBlock();
  const t0 = performance.now();
  const end = t0 + o.maxMs;
  let last = t0;
  let n = 0;
  while (n < o.invokes && !stopped()) {
    // What ExecutionEnvironment.invoke does per invoke: a fresh request id, trace id, invocation id.
    const request = buildRequest({ event: o.event }, config, true);
    request.deadlineMs = Math.floor(Date.now() + timeoutMs);
    const pending = api.invoke(request);
    const inflight = api.inflight;
    const result = await pending;
    const t = performance.now();
    if (result.kind !== 'response') {
      throw new BootspecError(ErrorCodes.DRIVER_START_FAILED, `the runtime answered an invoke with ${result.kind} instead of a response`, {
        hint: 'a benchmark needs a runtime that answers the echo event; check it with bootspec invoke',
      });
    }
    // The first invoke of a block has no previous result in this block to measure a cycle from.
    if (n > 0) cycle?.recordNs((t - last) * 1e6);
    if (inflight?.firstDeliveredAt !== undefined) mock?.recordNs((result.at - inflight.firstDeliveredAt) * 1e6);
    last = t;
    n += 1;
    if (t > end) break;
  }
  return { invokes: n, seconds: (last - t0) / 1000 };
}

/** N environments run invoke loops side by side for the same time; the aggregate rate. */
export async function concurrentLoops(envs: ExecutionEnvironment[], event: Buffer, ms: number, maxInvokes: number): Promise<RateBlock> {
  const t0 = performance.now();
  const blocks = await Promise.all(envs.map((env) => invokeLoop(env, { event, invokes: maxInvokes, maxMs: ms })));
  const seconds = (performance.now() - t0) / 1000;
  return { invokes: blocks.reduce((s, b) => s + b.invokes, 0), seconds };
}
