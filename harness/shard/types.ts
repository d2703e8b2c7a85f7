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

/**
 * What a bench shard's document records (`shard` in schemas/bench.v1.schema.json). The units are the
 * bench's phases other than the floor (latency, throughput, endpoint, cold-start, memory), each with
 * both sides of a `--vs` in it, since A and B are interleaved round by round. The floor is not a
 * unit: every shard measures it beside its own phases, because its figures are read against the
 * floor of the same run.
 */
export interface BenchShardRecord extends ShardRecord {
  /** "<lane> <phase>" -> ms this shard's phases took here (for a later --shard-durations). */
  durationsMs: Record<string, number>;
}

/** What a merged bench document says about the shards it came from (`mergedShards`). */
export interface MergedShards {
  group: string;
  count: number;
  present: number[];
  /** Shards whose documents were not given: their phases have no figures. */
  missing: Array<{ index: number; units: string[] }>;
  /** Each shard's own floor (its figures are read against it); the document's `floor` is the one of the shard that ran latency. */
  floors: Array<{ index: number; pingPongUs: number; cMockUs: number; bootspecMockUs: number }>;
  durationsMs: Record<string, number>;
}
