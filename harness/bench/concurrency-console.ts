/** The `concurrency` phase in the console: each side's curve, side by side under `--vs`, the ideal-curve floor beside it. */
import type { BenchResult, ConcurrencyFigures, ConcurrencyLevel } from './types.ts';

const pad = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
const rate = (x: number): string => Math.round(x).toLocaleString('en-US');
const times = (x: number | null): string => (x === null ? '-' : `${x.toFixed(2)}×`);
const share = (x: number): string => `${Math.round(x * 100)} %`;

function cells(l: ConcurrencyLevel | undefined): string {
  if (!l) return `${pad('-', 10)}${pad('-', 9)}${pad('-', 9)}`;
  return `${pad(rate(l.perSec), 10)}${pad(times(l.speedup), 9)}${pad(share(l.ofIdeal), 9)}`;
}

const verdict = (c: ConcurrencyFigures): string =>
  c.skipped !== null ? `skipped: ${c.skipped}` : c.stopsScalingAt === null ? 'scales through every level' : `stops scaling at N = ${c.stopsScalingAt}`;

export function concurrencyLines(r: BenchResult): string[] {
  const sides = [
    { name: r.runtime.name, c: r.concurrency },
    ...(r.vs ? [{ name: r.vs.runtime.name, c: r.vs.concurrency }] : []),
  ].filter((x): x is { name: string; c: ConcurrencyFigures } => x.c !== undefined);
  const first = sides[0];
  if (!first) return [];
  const out = [
    `concurrency: one environment in Lambda Managed Instances mode at maxConcurrency N, N callers in a closed loop of ${first.c.event}; floor = ideal N / ${first.c.sleepMs} ms (zero overhead); invokes/s, speed-up vs N = 1, share of ideal`,
  ];
  const measured = sides.filter((x) => x.c.skipped === null);
  if (measured.length > 0) {
    const ns = [...new Set(measured.flatMap((x) => x.c.levels.map((l) => l.concurrency)))].sort((a, b) => a - b);
    out.push(`  ${'N'.padEnd(4)}${pad('ideal/s', 10)}${measured.map((x) => `  ${pad(x.name.slice(0, 26), 28)}`).join('')}`);
    for (const n of ns) {
      const ideal = (n / first.c.sleepMs) * 1000;
      out.push(`  ${String(n).padEnd(4)}${pad(rate(ideal), 10)}${measured.map((x) => `  ${cells(x.c.levels.find((l) => l.concurrency === n))}`).join('')}`);
    }
    const failed = measured.flatMap((x) => x.c.levels.filter((l) => l.failed > 0).map((l) => `${x.name} N = ${l.concurrency}: ${l.failed}`));
    if (failed.length > 0) out.push(`  failed invokes (not counted): ${failed.join(', ')}`);
  }
  for (const x of sides) out.push(`  ${x.name}: ${verdict(x.c)}`);
  return out;
}
