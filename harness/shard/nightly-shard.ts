/**
 * `bootspec nightly --shard i/N`: the units are lanes (runtime × driver × suite or bench), balanced
 * by the lane durations of an earlier night's documents when given (--shard-durations), else by
 * count. Each
 * shard runs its lanes and writes a lanes.json that lists every lane of the split with its shard,
 * so that `bootspec report` given the shards' lanes.json marks a missing shard's lanes as not
 * finished, by name, instead of leaving them out.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BootspecError, ErrorCodes } from '../errors.ts';
import type { LaneId, NightlyStatus } from '../report/history-types.ts';
import { assignShards, shardGroup, weighUnits } from './plan.ts';
import type { ShardRecord, ShardSpec } from './types.ts';

export interface LaneRef extends LaneId {
  kind: 'results' | 'bench';
}

export type NightlyShard = ShardRecord & { lanes: Array<LaneRef & { shard: number }> };

/** A nightly status written by a shard. */
export type ShardedStatus = NightlyStatus & { shard: NightlyShard };

const laneUnit = (l: LaneRef): string => `${l.kind} ${l.runtime} ${l.driver}`;

export function planNightlyShard(lanes: readonly LaneRef[], spec: ShardSpec, durations?: ReadonlyMap<string, number>): NightlyShard {
  const owners = assignShards(weighUnits(lanes.map(laneUnit), durations), spec.count);
  return {
    ...spec,
    group: shardGroup(owners, spec.count),
    owners: Object.fromEntries(owners),
    balancedBy: durations?.size ? 'recorded durations' : 'count',
    lanes: lanes.map((l) => ({ runtime: l.runtime, driver: l.driver, kind: l.kind, shard: owners.get(laneUnit(l)) as number })),
  };
}

type Doc = { runs?: Array<{ runtime?: { name?: string; driver?: string }; durationMs?: number }>; runtime?: { name?: string }; host?: { driver?: string }; durationS?: number };

/**
 * How long each lane took in an earlier night, from its documents: a results document's runs
 * (durationMs, summed over the shards of a split run) and a bench document's durationS (summed over
 * a bench split's shards). A folder stands for the *.json files in it (an attempt folder of
 * `bootspec nightly`); lanes.json and other files are passed over.
 */
export function laneDurations(paths: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  const add = (key: string, ms: number) => ms > 0 && out.set(key, (out.get(key) ?? 0) + ms);
  const files = paths.flatMap((p) => (isDir(p) ? readdirSync(p).filter((f) => f.endsWith('.json')).sort().map((f) => join(p, f)) : [p]));
  for (const file of files) {
    let doc: Doc;
    try {
      doc = JSON.parse(readFileSync(file, 'utf8')) as Doc;
    } catch (err) {
      throw new BootspecError(ErrorCodes.USAGE, `--shard-durations ${file}: ${(err as Error).message}`, { hint: 'pass the documents (or the attempt folder) of an earlier night: DIR/attempts/<night>/' });
    }
    if (Array.isArray(doc.runs)) {
      for (const r of doc.runs) if (r.runtime?.name && r.runtime.driver && typeof r.durationMs === 'number') add(laneUnit({ kind: 'results', runtime: r.runtime.name, driver: r.runtime.driver }), r.durationMs);
    } else if (doc.runtime?.name && typeof doc.durationS === 'number') {
      add(laneUnit({ kind: 'bench', runtime: doc.runtime.name, driver: doc.host?.driver ?? 'process' }), doc.durationS * 1000);
    }
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

export const inShard = (shard: NightlyShard, lane: LaneRef): boolean => shard.owners[laneUnit(lane)] === shard.index;

/** The statuses of one split as one: a missing shard's lanes did not finish, and say why. */
export function mergeNightlyStatuses(members: readonly ShardedStatus[], problems: string[]): NightlyStatus {
  const first = members[0] as ShardedStatus;
  const { count, group } = first.shard;
  const present = new Set(members.map((m) => m.shard.index));
  const lanes: NightlyStatus['lanes'] = members.flatMap((m) => m.lanes);
  for (let i = 1; i <= count; i++) {
    if (present.has(i)) continue;
    const theirs = first.shard.lanes.filter((l) => l.shard === i);
    problems.push(`nightly shard ${i}/${count} of group ${group} is missing: ${theirs.length} lane(s) have no status (${theirs.map((l) => `${l.kind === 'results' ? 'suite' : 'bench'} ${l.runtime} · ${l.driver}`).join(', ')})`);
    // one entry per runtime × driver: the report's lanes are runtime × driver
    const seen = new Set(lanes.map((l) => `${l.runtime}\0${l.driver}`));
    for (const l of theirs) {
      if (seen.has(`${l.runtime}\0${l.driver}`)) {
        const existing = lanes.find((x) => x.runtime === l.runtime && x.driver === l.driver);
        if (existing) Object.assign(existing, { finished: false, reason: `shard ${i}/${count} missing (${l.kind === 'results' ? 'suite' : 'bench'})` });
        continue;
      }
      seen.add(`${l.runtime}\0${l.driver}`);
      lanes.push({ runtime: l.runtime, driver: l.driver, finished: false, reason: `shard ${i}/${count} missing: no lane status for it` });
    }
  }
  const attemptedAt = members.map((m) => m.attemptedAt).sort()[0] ?? first.attemptedAt;
  return { kind: 'bootspec-nightly-status', attemptedAt, complete: lanes.every((l) => l.finished), lanes };
}
