/** Seeded synthetic bench results for the gate's tests: blocks of invoke latencies with drift and stalls. */
import { BinnedHistogram } from '../../harness/bench/binned.ts';
import { seededRandom } from '../../harness/bench/stats.ts';
import type { RawBlocks } from '../../harness/bench/types.ts';

export interface SyntheticRun {
  rounds?: number;
  perBlock?: number;
  medianNs?: number;
  /** Fractional per-invoke slowdown of every figure (0.1 = +10 %). */
  slowdown?: number;
  /** Block-to-block drift (sd of a multiplicative factor per block). */
  drift?: number;
  /** Share of invokes that stall, and the stall's Pareto scale (ns) and shape: a heavy tail. */
  stallRate?: number;
  stallNs?: number;
  stallShape?: number;
  payloads?: string[];
  coldStarts?: number;
}

/** One run of `rounds` blocks for every payload, plus sequential/concurrent rates and cold starts. */
export function syntheticRun(seed: number, o: SyntheticRun = {}): RawBlocks {
  const random = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(Math.max(1e-12, random()))) * Math.cos(2 * Math.PI * random());
  const rounds = o.rounds ?? 10;
  const perBlock = o.perBlock ?? 1000;
  const slow = 1 + (o.slowdown ?? 0);
  const stallRate = o.stallRate ?? 0;
  const stall = () => (o.stallNs ?? 200_000) / Math.max(1e-9, random()) ** (1 / (o.stallShape ?? 1.2));
  const raw: RawBlocks = { latency: {}, sequential: [], concurrent: { '2': [] }, endpointThroughput: [], coldStartMs: [], firstResultMs: [] };
  (o.payloads ?? ['0 B', '64 KB']).forEach((label, k) => {
    const median = (o.medianNs ?? 50_000) * (1 + k) * slow;
    const mock: number[][] = [];
    const endpoint: number[][] = [];
    for (let r = 0; r < rounds; r++) {
      const drift = 1 + (o.drift ?? 0.01) * gauss();
      const values = Array.from({ length: perBlock }, () => median * drift * Math.exp(0.2 * gauss()) + (random() < stallRate ? stall() : 0));
      mock.push(BinnedHistogram.of(values).toJSON());
      endpoint.push(BinnedHistogram.of(values.map((v) => v * 2)).toJSON());
      if (k === 0) {
        const seconds = values.reduce((s, v) => s + v, 0) / 1e9;
        raw.sequential.push({ invokes: perBlock, seconds });
        raw.concurrent['2']?.push({ invokes: perBlock, seconds: seconds * (0.6 + 0.05 * gauss()) });
      }
    }
    raw.latency[label] = { mock, cycle: mock, endpoint };
  });
  for (let i = 0; i < (o.coldStarts ?? 20); i++) raw.coldStartMs.push(20 * slow * Math.exp(0.03 * gauss()));
  return raw;
}
