/**
 * `bootspec run --shard i/N`: the units are runtime × scenario. Every shard computes the same
 * assignment; it runs its own units, and lists every other selected scenario as skipped with the
 * shard that runs it, so that `bootspec report` can merge the shards and name a missing one.
 */
import { resolve } from 'node:path';
import { bareName, peekRuntime } from '../environment/manifest.ts';
import { type Area, resultBase } from '../suite/define.ts';
import { summarize } from '../suite/summary.ts';
import type { RuntimeRun, ScenarioResult } from '../suite/types.ts';
import { assignShards, recordedDurations, shardGroup, unitKey, weighUnits } from './plan.ts';
import type { ShardRecord, ShardSpec } from './types.ts';

/** The runtime's name before it is prepared (as its results will carry it). */
export const runtimeNameOf = (dir: string): string => peekRuntime(dir)?.name ?? bareName(resolve(dir));

export function planRunShard(dirs: readonly string[], selected: ReadonlySet<string>, spec: ShardSpec, durationsFile: string | undefined): ShardRecord {
  const keys = dirs.flatMap((d) => [...selected].map((id) => unitKey(runtimeNameOf(d), id)));
  const durations = durationsFile === undefined ? undefined : recordedDurations(durationsFile);
  const owners = assignShards(weighUnits(keys, durations), spec.count);
  return { ...spec, group: shardGroup(owners, spec.count), owners: Object.fromEntries(owners), balancedBy: durations?.size ? 'recorded durations' : 'count' };
}

/** The scenarios of `dir` that this shard runs. */
export function shardSelection(record: ShardRecord, dir: string, selected: ReadonlySet<string>): Set<string> {
  const name = runtimeNameOf(dir);
  return new Set([...selected].filter((id) => record.owners[unitKey(name, id)] === record.index));
}

// "not selected" first: history and nightly read such a skip as "left out", not as a verdict.
const elsewhere = (record: ShardRecord, owner: number) => `not selected: shard ${owner}/${record.count} runs it`;

/** Marks the scenarios other shards run, in a run of this shard's part. */
export function markOtherShards(results: ScenarioResult[], record: ShardRecord, runtime: string): ScenarioResult[] {
  return results.map((r) => {
    const owner = record.owners[unitKey(runtime, r.id)];
    return r.verdict === 'skip' && owner !== undefined && owner !== record.index ? { ...r, message: elsewhere(record, owner) } : r;
  });
}

/** A runtime none of whose units fall in this shard: listed (not prepared), so a merge knows its scenarios. */
export function placeholderRun(dir: string, catalog: readonly Area[], record: ShardRecord, driver: string, pathFidelity: boolean): RuntimeRun {
  const name = runtimeNameOf(dir);
  const results: ScenarioResult[] = catalog.flatMap((a) =>
    a.scenarios.map((s) => {
      const owner = record.owners[unitKey(name, s.meta.id)];
      return { ...resultBase(a.name, s.meta), verdict: 'skip' as const, message: owner === undefined ? 'not selected (--only)' : elsewhere(record, owner), durationMs: 0 };
    }),
  );
  const now = new Date().toISOString();
  return {
    runtime: { name, description: '', driver, dir: resolve(dir), features: [], buildKey: '', pathFidelity },
    results,
    summary: summarize(results),
    expectationDiffs: [],
    expectationsFile: undefined,
    startedAt: now,
    durationMs: 0,
  };
}
