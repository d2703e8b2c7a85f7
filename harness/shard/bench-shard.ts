/**
 * `bootspec bench --shard i/N`: the units are the bench's phases other than the floor (latency with
 * sequential throughput, concurrent throughput, endpoint, cold start, memory), each with both sides
 * of a `--vs`. Every shard that has a unit also measures the floor, beside its own phases: a figure
 * is read against the floor of its own run, never against another machine's.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Phase } from '../bench/types.ts';
import { BootspecError, ErrorCodes } from '../errors.ts';
import { assignShards, shardGroup, weighUnits } from './plan.ts';
import type { BenchShardRecord, ShardSpec } from './types.ts';

/** What one bench command measures: its runtime (and --vs runtime) under its driver. */
export const benchLane = (runtime: string, vs: string | undefined, driver: string): string => `bench ${runtime}${vs === undefined ? '' : ` vs ${vs}`} · ${driver}`;

export const benchUnit = (lane: string, phase: Phase): string => `${lane} ${phase}`;

export function planBenchShard(lane: string, phases: readonly Phase[], spec: ShardSpec, durations: ReadonlyMap<string, number> | undefined): BenchShardRecord {
  const keys = phases.filter((p) => p !== 'floor').map((p) => benchUnit(lane, p));
  if (keys.length === 0) throw new BootspecError(ErrorCodes.USAGE, '--shard splits the phases other than the floor, and --phases names none', { hint: 'drop --shard, or add phases: --phases floor,latency,cold-start' });
  const owners = assignShards(weighUnits(keys, durations), spec.count);
  return { ...spec, group: shardGroup(owners, spec.count), owners: Object.fromEntries(owners), balancedBy: durations?.size ? 'recorded durations' : 'count', durationsMs: {} };
}

/** The phases this shard measures: its own units, and the floor beside them (none when it owns no unit). */
export function shardPhases(record: BenchShardRecord, lane: string, phases: readonly Phase[]): Phase[] {
  const mine = phases.filter((p) => p !== 'floor' && record.owners[benchUnit(lane, p)] === record.index);
  return mine.length === 0 ? [] : phases.filter((p) => p === 'floor' || mine.includes(p));
}

/**
 * Durations recorded by earlier bench shards: `shard.durationsMs` of shard documents and
 * `mergedShards.durationsMs` of merged ones. A folder stands for the *.json files in it.
 */
export function recordedBenchDurations(paths: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  const files = paths.flatMap((p) => (isDir(p) ? readdirSync(p).filter((f) => f.endsWith('.json')).sort().map((f) => join(p, f)) : [p]));
  for (const file of files) {
    let doc: { shard?: { durationsMs?: Record<string, unknown> }; mergedShards?: { durationsMs?: Record<string, unknown> } };
    try {
      doc = JSON.parse(readFileSync(file, 'utf8')) as typeof doc;
    } catch (err) {
      throw new BootspecError(ErrorCodes.USAGE, `--shard-durations ${file}: ${(err as Error).message}`, { hint: 'pass bench documents of an earlier split (bootspec bench --shard i/N --json F)' });
    }
    for (const [k, v] of Object.entries({ ...doc.mergedShards?.durationsMs, ...doc.shard?.durationsMs })) if (typeof v === 'number' && v > 0) out.set(k, v);
  }
  return out;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
