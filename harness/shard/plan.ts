/**
 * Deterministic, balanced assignment of units (runtime × scenario, or nightly lanes) to shards:
 * longest processing time first (units by expected cost, heaviest first, each to the least loaded
 * shard), with ties broken by a stable hash of the unit's key, so every machine of a split computes
 * the same assignment from the same command line and the same durations file.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BootspecError, ErrorCodes } from '../errors.ts';
import type { ShardSpec, ShardUnit } from './types.ts';

export function parseShard(value: string | undefined, flag = '--shard'): ShardSpec | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || count > 1000 || index < 1 || index > count) {
    throw new BootspecError(ErrorCodes.USAGE, `${flag} must be i/N with 1 ≤ i ≤ N ≤ 1000, got "${value}"`, { hint: `${flag} 1/4 runs the first of four shards` });
  }
  return { index, count };
}

export const unitKey = (runtime: string, id: string): string => `${runtime} ${id}`;

const hashOf = (s: string): string => createHash('sha256').update(s).digest('hex');

/** unit key -> owning shard (1-based). */
export function assignShards(units: readonly ShardUnit[], count: number): Map<string, number> {
  const ordered = units.map((u) => ({ ...u, h: hashOf(u.key) })).sort((a, b) => b.weight - a.weight || a.h.localeCompare(b.h) || a.key.localeCompare(b.key));
  const load = new Array<number>(count).fill(0);
  const owners = new Map<string, number>();
  for (const u of ordered) {
    let best = 0;
    for (let s = 1; s < count; s++) if ((load[s] as number) < (load[best] as number)) best = s;
    load[best] = (load[best] as number) + u.weight;
    owners.set(u.key, best + 1);
  }
  return owners;
}

/** The same split gives the same group on every machine: a hash of the shard count and every owner. */
export function shardGroup(owners: ReadonlyMap<string, number> | Record<string, number>, count: number): string {
  const entries = owners instanceof Map ? [...owners] : Object.entries(owners);
  return hashOf(`${count}\n${entries.sort((a, b) => a[0].localeCompare(b[0])).map(([k, v]) => `${k}=${v}`).join('\n')}`).slice(0, 16);
}

/**
 * Durations of a previous run (a results document, sharded or merged): "<runtime> <id>" -> ms.
 * Units it does not know get the median of those it does.
 */
export function recordedDurations(file: string): Map<string, number> {
  let doc: { runs?: Array<{ runtime?: { name?: string }; results?: Array<{ id?: string; verdict?: string; durationMs?: number }> }> };
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as typeof doc;
  } catch (err) {
    throw new BootspecError(ErrorCodes.USAGE, `--shard-durations ${file}: ${(err as Error).message}`, { hint: 'pass a results document of an earlier run (bootspec run --json F)' });
  }
  const out = new Map<string, number>();
  for (const run of doc.runs ?? []) {
    for (const r of run.results ?? []) {
      if (run.runtime?.name && r.id && r.verdict !== 'skip' && typeof r.durationMs === 'number' && r.durationMs > 0) out.set(unitKey(run.runtime.name, r.id), r.durationMs);
    }
  }
  return out;
}

export function weighUnits(keys: readonly string[], durations: ReadonlyMap<string, number> | undefined): ShardUnit[] {
  if (!durations || durations.size === 0) return keys.map((key) => ({ key, weight: 1 }));
  const known = [...durations.values()].sort((a, b) => a - b);
  const median = known[Math.floor(known.length / 2)] as number;
  return keys.map((key) => ({ key, weight: durations.get(key) ?? median }));
}
