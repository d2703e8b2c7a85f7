/**
 * `--pin auto` (the default): chooses split or shared placement on this machine by measuring what
 * every invoke pays for it, a loopback round trip between two processes on one CPU and across two.
 * On a small VM a cross-CPU wake-up (~55 µs on 2 vCPUs) costs more than bootspec's whole per-invoke
 * overhead, so split would measure the VM, not the runtime; on hardware where it is cheaper, split
 * keeps the mock off the runtime's CPU. The reason is printed and saved with the result.
 */
import { spawnSync } from 'node:child_process';
import { quantileSorted } from './stats.ts';
import { cProgram } from './c-programs.ts';
import { allowedCpus } from './placement.ts';
import type { PlacementMode } from './types.ts';

export interface PlacementChoice {
  mode: PlacementMode;
  reason: string;
}

function roundTripUs(clientCpu: number, serverCpu: number): number | undefined {
  const r = spawnSync(cProgram('pingpong'), ['--rounds', '3000', '--warmup', '300', '--client-cpu', String(clientCpu), '--server-cpu', String(serverCpu)], { encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0 || typeof r.stdout !== 'string') return undefined;
  const ns = Float64Array.from(r.stdout.split('\n').filter(Boolean).map(Number)).sort();
  return ns.length ? quantileSorted(ns, 0.5) / 1000 : undefined;
}

export function choosePlacement(): PlacementChoice {
  const cpus = allowedCpus();
  if (cpus.length < 2) return { mode: 'shared', reason: 'auto: shared (one CPU available)' };
  const [a, b] = cpus as [number, number];
  const shared = roundTripUs(a, a);
  const split = roundTripUs(b, a);
  if (shared === undefined || split === undefined) return { mode: 'split', reason: 'auto: split (the round-trip probe did not run)' };
  const figures = `loopback round trip p50 ${shared.toFixed(1)} µs on one CPU, ${split.toFixed(1)} µs across two (measured now)`;
  return split <= shared ? { mode: 'split', reason: `auto: split, ${figures}` } : { mode: 'shared', reason: `auto: shared, ${figures}: a cross-CPU wake-up would cost every invoke more` };
}
