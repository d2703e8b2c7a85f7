/** Streaming figures from recorded arrival times, their place in the result schema, and in comparisons (they inform, never gate). */
import { describe, expect, it } from 'vitest';
import { compare } from '../../harness/bench/compare.ts';
import { STREAM_SHAPES, streamInvokes, streamingHandler } from '../../harness/bench/phases-stream.ts';
import { schemaProblems } from '../../harness/bench/result-file.ts';
import { StreamRecorder, pooledMiBps, streamLabel, streamSample, type StreamShape } from '../../harness/bench/stream-figures.ts';
import type { RawBlocks, StreamingFigures } from '../../harness/bench/types.ts';
import { result as baseResult } from './result-fixture.ts';

const MIB = 1024 * 1024;
const SMALL: StreamShape = { chunks: 8, chunkBytes: 64 * 1024 };

describe('streamSample', () => {
  it('times the first byte and the last from the hand-out, and the bytes after the first arrival over its span', () => {
    const s = streamSample(1000, [
      { at: 1002.5, bytes: 65536 },
      { at: 1004, bytes: 65536 },
      { at: 1006.5, bytes: 131072 },
    ]);
    expect(s).toEqual({ ttfbNs: 2.5e6, completeNs: 6.5e6, bytesAfterFirst: 196608, spanMs: 4 });
  });

  it('has no span when the whole stream arrived at once, and nothing without a hand-out time or a byte', () => {
    expect(streamSample(10, [{ at: 11, bytes: 512 }])).toMatchObject({ ttfbNs: 1e6, bytesAfterFirst: 0, spanMs: 0 });
    expect(streamSample(undefined, [{ at: 11, bytes: 512 }])).toBeUndefined();
    expect(streamSample(10, [])).toBeUndefined();
  });
});

describe('StreamRecorder', () => {
  it('pools throughput over invokes (bytes over seconds, not a mean of rates) and leaves single arrivals out of it', () => {
    const r = new StreamRecorder(SMALL);
    r.startBlock();
    r.record({ ttfbNs: 1e6, completeNs: 2e6, bytesAfterFirst: MIB, spanMs: 10 });
    r.record({ ttfbNs: 3e6, completeNs: 4e6, bytesAfterFirst: 3 * MIB, spanMs: 30 });
    r.record({ ttfbNs: 2e6, completeNs: 2e6, bytesAfterFirst: 0, spanMs: 0 });
    r.startBlock();
    r.record({ ttfbNs: 2e6, completeNs: 3e6, bytesAfterFirst: 2 * MIB, spanMs: 40 });
    const f = r.figure();
    // (1 + 3 + 2) MiB over (10 + 30 + 40) ms = 75 MiB/s; a mean of the per-invoke rates would say 83.3.
    expect(f.throughputMiBps).toBe(75);
    expect(f.invokes).toBe(4);
    expect(f.ttfb.samples).toBe(4);
    expect(f.ttfb.p50Us).toBeGreaterThan(1990);
    expect(f.ttfb.p50Us).toBeLessThan(2010);
    expect(f.stream).toBe('8 × 64 KiB');
    expect(f.bytes).toBe(512 * 1024);
    expect(r.raw().rate).toEqual([
      { bytes: 4 * MIB, seconds: 0.04 },
      { bytes: 2 * MIB, seconds: 0.04 },
    ]);
  });

  it('says null, not 0 or Infinity, when no stream had a span to time', () => {
    const r = new StreamRecorder(SMALL);
    r.startBlock();
    r.record({ ttfbNs: 1e6, completeNs: 1e6, bytesAfterFirst: 0, spanMs: 0 });
    expect(r.figure().throughputMiBps).toBeNull();
    expect(r.figure().throughputMiBpsCi).toBeNull();
    expect(pooledMiBps([])).toBeNull();
  });
});

describe('the streaming phase plan', () => {
  it('streams from the handler beside the probe’s, as docs/probe-contract.md names it', () => {
    expect(streamingHandler('probe.handler')).toBe('probe.streaming');
    expect(streamingHandler('lib/probe.handler')).toBe('lib/probe.streaming');
    expect(streamingHandler('bootstrap')).toBe('bootstrap');
  });

  it('measures a short stream and one past the 6 MB burst, within the bytes budget', () => {
    expect(STREAM_SHAPES.map(streamLabel)).toEqual(['8 × 64 KiB', '128 × 64 KiB']);
    const s = baseResult().settings;
    const settings = { ...s, invokes: 10_000, rounds: 10, bytesPerPayload: 512 * MIB };
    expect(streamInvokes(settings, 8 * MIB)).toBe(4);
    expect(streamInvokes(settings, 512 * 1024)).toBe(52);
    expect(streamInvokes({ ...settings, invokes: 10, rounds: 2 }, 8 * MIB)).toBe(5);
  });
});

function streamingRaw(ttfbNs: number, mibps: number): NonNullable<RawBlocks['streaming']> {
  const rec = new StreamRecorder(SMALL);
  // 10 paired blocks: the signed-rank test's smallest p (2/1024) survives Holm over the secondary family.
  for (let b = 0; b < 10; b++) {
    rec.startBlock();
    for (let i = 0; i < 20; i++) rec.record({ ttfbNs: ttfbNs * (1 + ((i * 7 + b) % 5) / 100), completeNs: ttfbNs * 2, bytesAfterFirst: MIB, spanMs: (1000 / mibps) * (1 + ((i + b) % 3) / 100) });
  }
  return { [rec.figure().stream]: rec.raw() };
}

describe('streaming figures in a comparison', () => {
  it('compares time to first byte and throughput as secondary figures: a large regression there does not fail the gate', () => {
    const base = baseResult().raw;
    const ref: RawBlocks = { ...base, streaming: streamingRaw(2e6, 200) };
    const cand: RawBlocks = { ...base, streaming: streamingRaw(6e6, 50) };
    const c = compare(ref, cand, { kind: 'vs', reference: 'a', candidate: 'b', threshold: 0.05, resamples: 500, seed: 1, paired: true });
    const ttfb = c.figures.find((f) => f.figure === 'streaming 8 × 64 KiB ttfb p50');
    const rate = c.figures.find((f) => f.figure === 'streaming 8 × 64 KiB throughput');
    expect(ttfb).toMatchObject({ tier: 'secondary', unit: 'µs', better: 'lower', verdict: 'regressed' });
    expect(rate).toMatchObject({ tier: 'secondary', unit: 'MiB/s', better: 'higher', verdict: 'regressed' });
    expect(ttfb?.ratio).toBeGreaterThan(2.5);
    expect(rate?.ratio).toBeLessThan(0.3);
    // Only primary figures count; the same non-streaming data on both sides leaves those unchanged.
    expect(c.regressed).toBe(0);
    expect(c.verdict).not.toBe('regressed');
  });

  it('leaves streaming out when only one side measured it', () => {
    const base = baseResult().raw;
    const c = compare({ ...base, streaming: streamingRaw(2e6, 200) }, base, { kind: 'baseline', reference: 'a', candidate: 'b', threshold: 0.05, resamples: 200, seed: 1, paired: false });
    expect(c.figures.some((f) => f.figure.startsWith('streaming'))).toBe(false);
  });
});

describe('schemas/bench.v1.schema.json with streaming', () => {
  const rec = new StreamRecorder(SMALL);
  rec.startBlock();
  rec.record({ ttfbNs: 1e6, completeNs: 2e6, bytesAfterFirst: MIB, spanMs: 10 });
  const measured: StreamingFigures = { skipped: null, handler: 'probe.streaming', streams: [rec.figure()] };

  it('accepts a result with streaming figures, their floor and raw blocks, and one without them (older results)', () => {
    const r = { ...baseResult(), streaming: measured, streamingFloor: { client: 'minimal', streams: [rec.figure()] } };
    r.raw = { ...r.raw, streaming: { [rec.figure().stream]: rec.raw() } };
    expect(schemaProblems(r)).toEqual([]);
    expect(schemaProblems({ ...baseResult(), settings: { ...baseResult().settings, phases: ['streaming'] } })).toEqual([]);
    expect(schemaProblems(baseResult())).toEqual([]);
  });

  it('accepts a skipped runtime with its reason and a null floor, and rejects a figure missing its time to first byte', () => {
    expect(schemaProblems({ ...baseResult(), streaming: { skipped: 'x does not claim streaming', handler: null, streams: [] }, streamingFloor: null })).toEqual([]);
    const { ttfb: _dropped, ...broken } = rec.figure();
    expect(schemaProblems({ ...baseResult(), streaming: { ...measured, streams: [broken] } }).join('\n')).toMatch(/ttfb/);
  });
});
