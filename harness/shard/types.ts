/** Public shapes of sharding: one night's work split over N machines and merged back (`--shard i/N`). */

/** Which part of the work this process does: shard `index` (1-based) of `count`. */
export interface ShardSpec {
  index: number;
  count: number;
}

/**
 * What a shard's results document records (`shard` in schemas/results.v1.schema.json): which shard
 * it is, and the owner of every unit of the whole selection, so that a merge can name the units of
 * a shard whose document is missing. Shards of one split share `group` (a hash of the assignment).
 */
export interface ShardRecord extends ShardSpec {
  group: string;
  /** "<runtime name> <scenario id>" -> the shard (1-based) that runs it. */
  owners: Record<string, number>;
  /** How the units were balanced: by durations recorded in a previous results document, or by count. */
  balancedBy: 'recorded durations' | 'count';
}

/** One piece of work that a shard runs whole. */
export interface ShardUnit {
  key: string;
  /** Expected cost (ms when recorded, else 1). */
  weight: number;
}
