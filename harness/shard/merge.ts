/**
 * Merging the results documents of one split (`run --shard i/N`) back into one (bench splits:
 * bench-merge.ts; nightly lanes: nightly-shard.ts): for every runtime
 * and scenario, the result of the shard that owns it. A shard whose document is not among the
 * inputs is never dropped: each of its scenarios becomes an `error` result that names it, and the
 * merge returns the problem for the caller to print (and fail on).
 */
import { benchInMemory, type LoadedDocument } from '../report/history-documents.ts';
import type { ResultsDocument, RunDocument } from '../report/history-types.ts';
import { summarize } from '../suite/summary.ts';
import type { ScenarioResult } from '../suite/types.ts';
import { type BenchShardDoc, mergeBenchShards } from './bench-merge.ts';
import { mergeNightlyStatuses, type ShardedStatus } from './nightly-shard.ts';
import { unitKey } from './plan.ts';
import type { ShardRecord } from './types.ts';

type ResultsLoaded = Extract<LoadedDocument, { kind: 'results' }>;
type Sharded = ResultsLoaded & { doc: ResultsDocument & { shard: ShardRecord } };

export interface ShardMerge {
  docs: LoadedDocument[];
  /** One line per missing shard (or duplicate), for stderr and the exit status. */
  problems: string[];
}

const statusShardOf = (d: LoadedDocument): ShardedStatus | undefined =>
  d.kind === 'nightly-status' && (d.status as Partial<ShardedStatus>).shard ? (d.status as ShardedStatus) : undefined;

const shardOf = (d: LoadedDocument): ShardRecord | undefined => (d.kind === 'results' ? (d.doc as ResultsDocument & { shard?: ShardRecord }).shard : undefined);

export function mergeShards(docs: LoadedDocument[]): ShardMerge {
  const groups = new Map<string, Sharded[]>();
  const statuses = new Map<string, Array<{ doc: LoadedDocument; status: ShardedStatus }>>();
  const benches = new Map<string, Array<{ file: string; baseline: boolean; doc: BenchShardDoc }>>();
  const out: LoadedDocument[] = [];
  for (const d of docs) {
    const shard = shardOf(d);
    const status = statusShardOf(d);
    const bench = d.kind === 'bench' && d.sharded ? (d.sharded as unknown as BenchShardDoc) : undefined;
    if (bench) benches.set(bench.shard.group, [...(benches.get(bench.shard.group) ?? []), { file: d.file, baseline: d.baseline, doc: bench }]);
    else if (shard) groups.set(shard.group, [...(groups.get(shard.group) ?? []), d as Sharded]);
    else if (status) statuses.set(status.shard.group, [...(statuses.get(status.shard.group) ?? []), { doc: d, status }]);
    else out.push(d);
  }
  const problems: string[] = [];
  for (const members of groups.values()) out.push(mergeGroup(members, problems));
  for (const members of benches.values()) {
    const merged = mergeBenchShards(members, problems);
    out.push(benchInMemory(merged, members.map((m) => m.file).join(' + '), members.some((m) => m.baseline)));
  }
  // Splits of one night (a matrix over drivers splits each driver's lanes): one status for the
  // night, since the report reads only the newest status.
  const merged = [...statuses.values()].map((members) => ({ members, status: mergeNightlyStatuses(members.map((m) => m.status), problems) }));
  if (merged.length > 0) {
    const lanes = merged.flatMap((m) => m.status.lanes);
    const attemptedAt = merged.map((m) => m.status.attemptedAt).sort()[0] as string;
    const files = merged.flatMap((m) => m.members.map((x) => x.doc.file));
    const baseline = merged.some((m) => m.members.some((x) => x.doc.baseline));
    const status = { kind: 'bootspec-nightly-status' as const, attemptedAt, complete: lanes.every((l) => l.finished), lanes };
    out.push({ kind: 'nightly-status', file: files.join(' + '), at: attemptedAt, baseline, status });
  }
  return { docs: out, problems };
}

function mergeGroup(members: Sharded[], problems: string[]): ResultsLoaded {
  const first = members[0] as Sharded;
  const { count, group, owners } = first.doc.shard;
  const byIndex = new Map<number, Sharded>();
  for (const m of members) {
    const i = m.doc.shard.index;
    if (byIndex.has(i)) problems.push(`shard ${i}/${count} of group ${group} was given twice (${byIndex.get(i)?.file} and ${m.file}); using the first`);
    else byIndex.set(i, m);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  for (const i of missing) {
    const units = Object.values(owners).filter((o) => o === i).length;
    problems.push(`shard ${i}/${count} of group ${group} is missing: its ${units} scenario run(s) have no result (given: ${[...byIndex.keys()].sort((a, b) => a - b).join(', ')} of ${count})`);
  }
  const present = [...byIndex.values()].sort((a, b) => a.doc.shard.index - b.doc.shard.index);
  const runtimes = [...new Set(present.flatMap((m) => m.doc.runs.map((r) => `${r.runtime.name}\0${r.runtime.driver}`)))];
  const runs = runtimes.map((key) => mergeRun(key, present, owners, count));
  const at = present.map((m) => m.at).sort().at(-1) ?? first.at;
  const file = present.map((m) => m.file).join(' + ');
  const doc: ResultsDocument = { ...first.doc, generatedAt: at, runs };
  return {
    kind: 'results',
    file,
    at,
    baseline: first.baseline,
    doc,
    snapshots: runs.map((run) => ({
      runtime: run.runtime.name,
      driver: run.runtime.driver,
      snapshot: { at, file, toolVersion: doc.tool.version, strict: doc.strict, ...(doc.host ? { host: doc.host } : {}), run },
    })),
  };
}

function mergeRun(key: string, present: Sharded[], owners: Record<string, number>, count: number): RunDocument {
  const [name, driver] = key.split('\0') as [string, string];
  const runOf = (m: Sharded) => m.doc.runs.find((r) => r.runtime.name === name && r.runtime.driver === driver);
  const byIndex = new Map(present.map((m) => [m.doc.shard.index, runOf(m)] as const));
  const runs = [...byIndex.values()].filter((r): r is RunDocument => r !== undefined);
  // The runtime's description, features and build come from a shard that prepared it.
  const prepared = runs.find((r) => r.runtime.buildKey !== '') ?? (runs[0] as RunDocument);
  const results: ScenarioResult[] = prepared.results.map((placeholder) => {
    const owner = owners[unitKey(name, placeholder.id)];
    if (owner === undefined) return placeholder;
    const ownRun = byIndex.get(owner);
    if (byIndex.has(owner)) return ownRun?.results.find((r) => r.id === placeholder.id) ?? placeholder;
    return { ...placeholder, verdict: 'error', message: `shard ${owner}/${count} is missing: its results document was not given to bootspec report, so this scenario has no result`, durationMs: 0 };
  });
  return {
    ...prepared,
    results,
    summary: summarize(results),
    expectationDiffs: runs.flatMap((r) => r.expectationDiffs),
    startedAt: runs.map((r) => r.startedAt).sort()[0] ?? prepared.startedAt,
    durationMs: Math.max(0, ...runs.map((r) => r.durationMs)),
  };
}
