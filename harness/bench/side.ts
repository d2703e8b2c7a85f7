/** Everything measured for one runtime in one run, and its figures. */
import { type ConcurrencyBlock, concurrencyLevels, stopsScalingAt } from './concurrency-figures.ts';
import { eventFor, payloadLabel } from './events.ts';
import { CONCURRENCY_EVENT, CONCURRENCY_SLEEP_MS } from './phases-concurrency.ts';
import { LatencyRecorder, rateOf } from './samples.ts';
import type { StreamRecorder } from './stream-figures.ts';
import type { BenchSubject } from './subject.ts';
import type { ConcurrencyFigures, PayloadLatency, RateBlock, RawBlocks, RuntimeFigures } from './types.ts';

export interface PayloadRecorders {
  event: Buffer;
  mock: LatencyRecorder;
  cycle: LatencyRecorder;
  endpoint: LatencyRecorder;
}

const r2 = (x: number): number => Math.round(x * 100) / 100;

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return 0;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return (s[lo] as number) + ((s[Math.ceil(pos)] as number) - (s[lo] as number)) * (pos - lo);
}

export class SideRecord {
  readonly subject: BenchSubject;
  readonly payloads = new Map<number, PayloadRecorders>();
  readonly sequential: RateBlock[] = [];
  readonly concurrent = new Map<number, RateBlock[]>();
  readonly endpointThroughput: RateBlock[] = [];
  endpointErrors = 0;
  endpointNon2xx = 0;
  readonly coldStartMs: number[] = [];
  readonly firstResultMs: number[] = [];
  memory: RuntimeFigures['memory'] = null;
  /** Set by the `streaming` phase: measured (a recorder per stream shape) or skipped, and why. */
  streaming: { skipped: string | null; handler: string | null; recorders: StreamRecorder[] } | undefined;
  /** Set by the `concurrency` phase: a block per level measured, or skipped and why. */
  concurrencyCurve: { skipped: string | null; blocks: ConcurrencyBlock[]; raw: Map<number, RateBlock[]> } | undefined;

  constructor(subject: BenchSubject, payloads: number[], probeEvents: boolean) {
    this.subject = subject;
    for (const bytes of payloads) {
      this.payloads.set(bytes, { event: eventFor(bytes, probeEvents), mock: new LatencyRecorder(), cycle: new LatencyRecorder(), endpoint: new LatencyRecorder() });
    }
  }

  payload(bytes: number): PayloadRecorders {
    return this.payloads.get(bytes) as PayloadRecorders;
  }

  concurrentBlocks(n: number): RateBlock[] {
    const list = this.concurrent.get(n) ?? [];
    this.concurrent.set(n, list);
    return list;
  }

  figures(): RuntimeFigures {
    const byPayload: PayloadLatency[] = [...this.payloads].map(([bytes, p]) => ({
      payload: payloadLabel(bytes),
      payloadBytes: bytes,
      eventBytes: p.event.length,
      mock: p.mock.summary(),
      cycle: p.cycle.summary(),
      endpoint: p.endpoint.count > 0 ? p.endpoint.summary() : null,
    }));
    const head = byPayload[0];
    const seq = rateOf(this.sequential);
    const m = this.subject.prepared.manifest;
    return {
      runtime: { name: m.name, folder: m.dir, description: m.description },
      latency: { ...(head?.mock ?? new LatencyRecorder().summary()), payload: head?.payload ?? '0 B', view: 'mock', byPayload },
      throughput: {
        sequentialPerSec: seq.perSec,
        sequentialPerSecCi: seq.perSecCi,
        sequentialInvokes: seq.invokes,
        concurrent: [...this.concurrent].map(([environments, blocks]) => ({ environments, ...rateOf(blocks) })),
        endpoint:
          this.endpointThroughput.length > 0
            ? { ...rateOf(this.endpointThroughput), tool: 'autocannon', connections: 1, errors: this.endpointErrors, non2xx: this.endpointNon2xx }
            : null,
      },
      coldStart:
        this.coldStartMs.length > 0
          ? {
              p50Ms: r2(quantile(this.coldStartMs, 0.5)),
              p90Ms: r2(quantile(this.coldStartMs, 0.9)),
              samples: this.coldStartMs.length,
              firstResultP50Ms: r2(quantile(this.firstResultMs, 0.5)),
              firstResultP90Ms: r2(quantile(this.firstResultMs, 0.9)),
            }
          : null,
      memory: this.memory,
      ...(this.streaming
        ? { streaming: { skipped: this.streaming.skipped, handler: this.streaming.handler, streams: this.streaming.skipped === null ? this.streaming.recorders.map((r) => r.figure()) : [] } }
        : {}),
      ...(this.concurrencyCurve ? { concurrency: this.concurrencyFigures(this.concurrencyCurve) } : {}),
      raw: this.raw(),
    };
  }

  concurrencyFigures(c: { skipped: string | null; blocks: ConcurrencyBlock[] }): ConcurrencyFigures {
    const levels = c.skipped === null ? concurrencyLevels(c.blocks, CONCURRENCY_SLEEP_MS) : [];
    return { skipped: c.skipped, event: JSON.stringify(CONCURRENCY_EVENT), sleepMs: CONCURRENCY_SLEEP_MS, levels, stopsScalingAt: stopsScalingAt(levels) };
  }

  raw(): RawBlocks {
    const latency: RawBlocks['latency'] = {};
    for (const [bytes, p] of this.payloads) {
      latency[payloadLabel(bytes)] = { mock: p.mock.blocksJson(), cycle: p.cycle.blocksJson(), endpoint: p.endpoint.blocksJson() };
    }
    const concurrent: RawBlocks['concurrent'] = {};
    for (const [n, blocks] of this.concurrent) concurrent[String(n)] = blocks;
    return {
      latency,
      sequential: this.sequential,
      concurrent,
      endpointThroughput: this.endpointThroughput,
      coldStartMs: this.coldStartMs.map(r2),
      firstResultMs: this.firstResultMs.map(r2),
      ...(this.streaming?.skipped === null ? { streaming: Object.fromEntries(this.streaming.recorders.map((r) => [r.figure().stream, r.raw()])) } : {}),
      ...(this.concurrencyCurve?.skipped === null ? { concurrency: Object.fromEntries([...this.concurrencyCurve.raw].map(([n, b]) => [String(n), b])) } : {}),
    };
  }
}
