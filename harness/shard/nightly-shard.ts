/**
 * `bootspec nightly --shard i/N`: the units are lanes (runtime × driver × suite or bench). Each
 * shard runs its lanes and writes a lanes.json that lists every lane of the split with its shard,
 * so that `bootspec report` given the shards' lanes.json marks a missing shard's lanes as not
 * finished, by name, instead of leaving them out.
 */
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

export function planNightlyShard(lanes: readonly LaneRef[], spec: ShardSpec): NightlyShard {
  const owners = assignShards(weighUnits(lanes.map(laneUnit), undefined), spec.count);
  return {
    ...spec,
    group: shardGroup(owners, spec.count),
    owners: Object.fromEntries(owners),
    balancedBy: 'count',
    lanes: lanes.map((l) => ({ runtime: l.runtime, driver: l.driver, kind: l.kind, shard: owners.get(laneUnit(l)) as number })),
  };
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
