/** A complete, valid bench result (every field the schema requires), for tests to start from. */
import { compare } from '../../harness/bench/compare.ts';
import { BinnedHistogram } from '../../harness/bench/binned.ts';
import { BENCH_SCHEMA_ID, type BenchResult, type LatencySummary, type RawBlocks } from '../../harness/bench/types.ts';

const summary: LatencySummary = { p50Us: 40, p90Us: 50, p99Us: 90, p999Us: 200, maxUs: 900, samples: 1000, blocks: 2, p50CiUs: [39, 41] };
const raw: RawBlocks = {
  latency: { '0 B': { mock: [BinnedHistogram.of([40_000, 41_000]).toJSON(), BinnedHistogram.of([39_000]).toJSON()], cycle: [], endpoint: [] } },
  sequential: [{ invokes: 500, seconds: 0.05 }, { invokes: 500, seconds: 0.051 }],
  concurrent: { '2': [{ invokes: 900, seconds: 0.05 }] },
  endpointThroughput: [],
  coldStartMs: [10, 11],
  firstResultMs: [10.5, 11.4],
};

export function result(): BenchResult {
  return {
    $schema: BENCH_SCHEMA_ID,
    schemaVersion: 1,
    bootspec: '0.1.0',
    startedAt: new Date(0).toISOString(),
    durationS: 1,
    host: {
      cpuModel: 'test',
      cores: 2,
      kernel: '6',
      node: 'v20',
      loadAverage: [0, 0, 0],
      placement: { pinned: true, mode: 'split', mockCpu: 0, runtimeCpu: 1, note: 'n' },
      sandbox: true,
      driver: 'process',
    },
    settings: {
      phases: ['floor', 'latency'],
      invokes: 1000,
      warmup: 10,
      rounds: 2,
      payloads: [0],
      bytesPerPayload: 1,
      environments: [1],
      blockSeconds: 0.5,
      coldStarts: 2,
      memoryInvokes: 100,
      threshold: 0.05,
      resamples: 1000,
      seed: 1,
      maxLoopSeconds: 60,
    },
    floor: { pingPongUs: 14, cMockUs: 30, bootspecMockUs: 38, pingPong: summary, cMock: [{ payload: '0 B', payloadBytes: 0, latency: summary, cycle: summary }], bootspecMock: { latency: summary, cycle: summary }, overheadCiUs: [6, 10] },
    mockOverheadUs: 8,
    runtime: { name: 'null-c', folder: '/x', description: 'd' },
    latency: { ...summary, payload: '0 B', view: 'mock', byPayload: [{ payload: '0 B', payloadBytes: 0, eventBytes: 0, mock: summary, cycle: summary, endpoint: null }] },
    throughput: { sequentialPerSec: 10_000, sequentialPerSecCi: [9_900, 10_100], sequentialInvokes: 1000, concurrent: [{ environments: 2, perSec: 18_000, perSecCi: [17_000, 19_000], invokes: 900 }], endpoint: null },
    coldStart: { p50Ms: 10, p90Ms: 11, samples: 2, firstResultP50Ms: 10.5, firstResultP90Ms: 11.4 },
    memory: { peakRssMb: 1, growthMb: 0, rssBeforeMb: 1, rssAfterMb: 1, invokes: 100 },
    raw,
    vs: null,
    comparison: compare(raw, raw, { kind: 'baseline', reference: 'a', candidate: 'b', threshold: 0.05, resamples: 200, seed: 1, paired: false }),
  };
}
