/** Figures of the `concurrency` phase: throughput per level, speed-up, the ideal-curve floor and where scaling stops. */
import type { ConcurrencyLevel } from './types.ts';

/** What one level's closed loop measured. */
export interface ConcurrencyBlock {
  concurrency: number;
  invokes: number;
  failed: number;
  seconds: number;
}

/** A level must beat the previous one by this factor to count as still scaling. */
export const SCALING_FACTOR = 1.2;

const r2 = (x: number): number => Math.round(x * 100) / 100;

/** The first N whose throughput is below SCALING_FACTOR × the previous level's; null when every level scaled. */
export function stopsScalingAt(levels: ReadonlyArray<{ concurrency: number; perSec: number }>): number | null {
  const sorted = [...levels].sort((a, b) => a.concurrency - b.concurrency);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1] as { perSec: number };
    const cur = sorted[i] as { concurrency: number; perSec: number };
    if (cur.perSec < SCALING_FACTOR * prev.perSec) return cur.concurrency;
  }
  return null;
}

/** Levels in order of N, each with its speed-up over N = 1 and its ratio to the ideal curve N / sleepMs × 1000. */
export function concurrencyLevels(blocks: ReadonlyArray<ConcurrencyBlock>, sleepMs: number): ConcurrencyLevel[] {
  const sorted = [...blocks].sort((a, b) => a.concurrency - b.concurrency);
  const rate = (b: ConcurrencyBlock) => (b.seconds > 0 ? b.invokes / b.seconds : 0);
  const one = sorted.find((b) => b.concurrency === 1);
  const base = one ? rate(one) : 0;
  return sorted.map((b) => {
    const perSec = rate(b);
    const idealPerSec = sleepMs > 0 ? (b.concurrency / sleepMs) * 1000 : 0;
    return {
      concurrency: b.concurrency,
      invokes: b.invokes,
      seconds: Math.round(b.seconds * 1000) / 1000,
      perSec: r2(perSec),
      speedup: base > 0 ? r2(perSec / base) : null,
      idealPerSec: r2(idealPerSec),
      ofIdeal: idealPerSec > 0 ? Math.round((perSec / idealPerSec) * 1000) / 1000 : 0,
      failed: b.failed,
    };
  });
}
