/**
 * Streaming figures from the mock's own record of a streamed result: when the event was handed to
 * /next, and when each piece of the body arrived (StreamedBody.arrivals, pieces within 1 ms merged).
 * Time to first byte is handed-out -> first arrival; throughput is the bytes after the first arrival
 * over the first -> last span, pooled over a block's invokes (a stream that arrived all at once has
 * no span and adds nothing to it).
 */
import type { StreamArrival } from '../api/types.ts';
import { LatencyRecorder, rateBlocks } from './samples.ts';
import { bootstrapInterval } from './stats.ts';
import type { RawStream, StreamFigure, StreamRateBlock } from './types.ts';

export interface StreamShape {
  chunks: number;
  chunkBytes: number;
}

/** One streamed invoke, read from its record. */
export interface StreamSample {
  ttfbNs: number;
  completeNs: number;
  /** Bytes after the first arrival, and the ms from the first arrival to the last. */
  bytesAfterFirst: number;
  spanMs: number;
}

const KIB = 1024;
const MIB = 1024 * 1024;

export function streamLabel(s: StreamShape): string {
  const size = s.chunkBytes % MIB === 0 ? `${s.chunkBytes / MIB} MiB` : s.chunkBytes % KIB === 0 ? `${s.chunkBytes / KIB} KiB` : `${s.chunkBytes} B`;
  return `${s.chunks} × ${size}`;
}

/** The probe's `stream` op for a shape (docs/probe-contract.md). */
export function streamEvent(s: StreamShape): Buffer {
  return Buffer.from(JSON.stringify({ probe: 'stream', chunks: s.chunks, chunkBytes: s.chunkBytes }));
}

/**
 * The figures of one streamed invoke; undefined when there is nothing to time (no hand-out time, no
 * byte arrived). `handedOutAt` and the arrival times are on the same clock (harness/clock.ts).
 */
export function streamSample(handedOutAt: number | undefined, arrivals: readonly StreamArrival[]): StreamSample | undefined {
  const first = arrivals[0];
  const last = arrivals[arrivals.length - 1];
  if (handedOutAt === undefined || first === undefined || last === undefined) return undefined;
  let total = 0;
  for (const a of arrivals) total += a.bytes;
  return {
    ttfbNs: Math.max(0, first.at - handedOutAt) * 1e6,
    completeNs: Math.max(0, last.at - handedOutAt) * 1e6,
    bytesAfterFirst: total - first.bytes,
    spanMs: Math.max(0, last.at - first.at),
  };
}

/** MiB/s of blocks pooled: all their bytes over all their seconds (null without any span). */
export function pooledMiBps(blocks: readonly StreamRateBlock[]): number | null {
  let bytes = 0;
  let seconds = 0;
  for (const b of blocks) {
    bytes += b.bytes;
    seconds += b.seconds;
  }
  return seconds > 0 ? bytes / MIB / seconds : null;
}

const r2 = (x: number): number => Math.round(x * 100) / 100;

/** What one side (or the floor) recorded for one stream shape, block by block. */
export class StreamRecorder {
  readonly shape: StreamShape;
  readonly ttfb = new LatencyRecorder();
  readonly complete = new LatencyRecorder();
  readonly rate: StreamRateBlock[] = [];
  invokes = 0;

  constructor(shape: StreamShape) {
    this.shape = shape;
  }

  startBlock(): void {
    this.ttfb.startBlock();
    this.complete.startBlock();
    this.rate.push({ bytes: 0, seconds: 0 });
  }

  record(s: StreamSample): void {
    this.invokes += 1;
    this.ttfb.recordNs(s.ttfbNs);
    this.complete.recordNs(s.completeNs);
    if (s.spanMs <= 0) return;
    const block = this.rate[this.rate.length - 1] ?? { bytes: 0, seconds: 0 };
    if (this.rate.length === 0) this.rate.push(block);
    block.bytes += s.bytesAfterFirst;
    block.seconds += s.spanMs / 1000;
  }

  figure(): StreamFigure {
    const rated = this.rate.filter((b) => b.seconds > 0);
    const mibps = pooledMiBps(rated);
    let ci: [number, number] | null = null;
    if (mibps !== null && rated.length >= 2) {
      const [lo, hi] = bootstrapInterval(rateBlocks(rated.map((b) => ({ invokes: b.bytes / MIB, seconds: b.seconds }))));
      ci = [r2(lo as number), r2(hi as number)];
    } else if (mibps !== null) ci = [r2(mibps), r2(mibps)];
    return {
      stream: streamLabel(this.shape),
      chunks: this.shape.chunks,
      chunkBytes: this.shape.chunkBytes,
      bytes: this.shape.chunks * this.shape.chunkBytes,
      invokes: this.invokes,
      ttfb: this.ttfb.summary(),
      complete: this.complete.summary(),
      throughputMiBps: mibps === null ? null : r2(mibps),
      throughputMiBpsCi: ci,
    };
  }

  raw(): RawStream {
    return { ttfb: this.ttfb.blocksJson(), complete: this.complete.blocksJson(), rate: this.rate.filter((b) => b.seconds > 0) };
  }
}
