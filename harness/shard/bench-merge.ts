/**
 * Merging the documents of one bench split (`bench --shard i/N`) back into one result: each phase's
 * figures and raw blocks from the shard that measured it. The comparison is gated again over all the
 * figures, so the false-alarm rate stays the whole comparison's: a `--vs` one is recomputed from the
 * merged raw blocks of both sides, a `--baseline` one by Holm's adjustment over every shard's
 * p-values. A missing shard is named, its phases have no figures, and the comparison cannot say
 * `unchanged` or `improved` without them.
 */
import { compare } from '../bench/compare.ts';
import { BootspecError, ErrorCodes } from '../errors.ts';
import { ALPHA, holm, overallVerdict } from '../bench/gate.ts';
import { ALL_PHASES, type BenchResult, type ComparedFigure, type Comparison, type Phase, type RuntimeFigures } from '../bench/types.ts';
import type { BenchShardRecord, MergedShards } from './types.ts';

export type BenchShardDoc = BenchResult & { shard: BenchShardRecord };
export type MergedBench = BenchResult & { mergedShards: MergedShards };

const clone = <T>(v: T): T => structuredClone(v);
const phaseOf = (unit: string): Phase => unit.slice(unit.lastIndexOf(' ') + 1) as Phase;

/** Copies what `phase` measured of one side from `from` into `into`. */
function takePhase(into: RuntimeFigures, from: RuntimeFigures, phase: Phase): void {
  if (phase === 'latency') {
    into.latency = { ...clone(from.latency), byPayload: from.latency.byPayload.map((p, i) => ({ ...clone(p), endpoint: into.latency.byPayload[i]?.endpoint ?? null })) };
    into.throughput.sequentialPerSec = from.throughput.sequentialPerSec;
    into.throughput.sequentialPerSecCi = from.throughput.sequentialPerSecCi;
    into.throughput.sequentialInvokes = from.throughput.sequentialInvokes;
    for (const [label, blocks] of Object.entries(from.raw.latency)) into.raw.latency[label] = { ...blocks, endpoint: into.raw.latency[label]?.endpoint ?? [] };
    into.raw.sequential = clone(from.raw.sequential);
  } else if (phase === 'throughput') {
    into.throughput.concurrent = clone(from.throughput.concurrent);
    into.raw.concurrent = clone(from.raw.concurrent);
  } else if (phase === 'endpoint') {
    into.latency.byPayload.forEach((p, i) => {
      p.endpoint = clone(from.latency.byPayload[i]?.endpoint ?? null);
    });
    into.throughput.endpoint = clone(from.throughput.endpoint);
    for (const [label, blocks] of Object.entries(from.raw.latency)) {
      const target = into.raw.latency[label];
      if (target) target.endpoint = clone(blocks.endpoint);
    }
    into.raw.endpointThroughput = clone(from.raw.endpointThroughput);
  } else if (phase === 'cold-start') {
    into.coldStart = clone(from.coldStart);
    into.raw.coldStartMs = clone(from.raw.coldStartMs);
    into.raw.firstResultMs = clone(from.raw.firstResultMs);
  } else if (phase === 'memory') {
    into.memory = clone(from.memory);
  } else if (phase === 'streaming') {
    if (from.streaming) into.streaming = clone(from.streaming);
    if (from.raw.streaming) into.raw.streaming = clone(from.raw.streaming);
  } else if (phase === 'concurrency') {
    if (from.concurrency) into.concurrency = clone(from.concurrency);
    if (from.raw.concurrency) into.raw.concurrency = clone(from.raw.concurrency);
  }
}

const sideA = (r: BenchResult): RuntimeFigures => ({
  runtime: r.runtime, latency: r.latency, throughput: r.throughput, coldStart: r.coldStart, memory: r.memory, raw: r.raw,
  ...(r.streaming ? { streaming: r.streaming } : {}),
  ...(r.concurrency ? { concurrency: r.concurrency } : {}),
});

/** The shards of one group (same `shard.group`) as one bench result; problems get one line per missing or repeated shard. */
export function mergeBenchShards(members: ReadonlyArray<{ file: string; doc: BenchShardDoc }>, problems: string[]): MergedBench {
  const first = members[0]?.doc as BenchShardDoc;
  const { count, group, owners } = first.shard;
  const byIndex = new Map<number, BenchShardDoc>();
  for (const m of members) {
    if (byIndex.has(m.doc.shard.index)) problems.push(`bench shard ${m.doc.shard.index}/${count} of group ${group} was given twice (${m.file} too); using the first`);
    else byIndex.set(m.doc.shard.index, m.doc);
  }
  const units = Object.keys(owners).sort();
  const missing = Array.from({ length: count }, (_, i) => i + 1)
    .filter((i) => !byIndex.has(i))
    .map((index) => ({ index, units: units.filter((u) => owners[u] === index) }));
  for (const m of missing) {
    problems.push(`bench shard ${m.index}/${count} of group ${group} is missing: ${m.units.length ? `its phase(s) ${m.units.map(phaseOf).join(', ')} have no figures` : 'it owned no phase'} (given: ${[...byIndex.keys()].sort((a, b) => a - b).join(', ')} of ${count})`);
  }
  const latencyOwner = Object.entries(owners).find(([u]) => phaseOf(u) === 'latency')?.[1];
  const base = (latencyOwner !== undefined ? byIndex.get(latencyOwner) : undefined) ?? ([...byIndex.entries()].sort((a, b) => a[0] - b[0])[0]?.[1] as BenchShardDoc);
  const { shard: _shard, ...rest } = clone(base);
  const out: BenchResult = rest;
  const a = sideA(out);
  for (const unit of units) {
    const src = byIndex.get(owners[unit] as number);
    if (!src || src === base) continue;
    takePhase(a, sideA(src), phaseOf(unit));
    if (out.vs && src.vs) takePhase(out.vs, src.vs, phaseOf(unit));
    // the streaming phase measures its own floor, beside the runtime's streams
    if (phaseOf(unit) === 'streaming' && src.streamingFloor !== undefined) out.streamingFloor = clone(src.streamingFloor);
  }
  Object.assign(out, { latency: a.latency, throughput: a.throughput, coldStart: a.coldStart, memory: a.memory, raw: a.raw, ...(a.streaming ? { streaming: a.streaming } : {}), ...(a.concurrency ? { concurrency: a.concurrency } : {}) });
  const present = [...byIndex.values()];
  const measured = new Set(units.map(phaseOf));
  if (present.some((d) => d.settings.phases.includes('floor'))) measured.add('floor');
  out.settings = { ...out.settings, phases: ALL_PHASES.filter((p) => measured.has(p)) };
  out.startedAt = present.map((d) => d.startedAt).sort()[0] ?? out.startedAt;
  out.durationS = Math.max(...present.map((d) => d.durationS));
  out.comparison = mergedComparison(out, present, missing.length > 0);
  const durationsMs = Object.assign({}, ...present.map((d) => d.shard.durationsMs)) as Record<string, number>;
  const floors = present
    .filter((d) => d.floor)
    .sort((x, y) => x.shard.index - y.shard.index)
    .map((d) => ({ index: d.shard.index, pingPongUs: d.floor?.pingPongUs ?? 0, cMockUs: d.floor?.cMockUs ?? 0, bootspecMockUs: d.floor?.bootspecMockUs ?? 0 }));
  return { ...out, mergedShards: { group, count, present: [...byIndex.keys()].sort((x, y) => x - y), missing, floors, durationsMs } };
}

/**
 * The result `bench --baseline F…` compares with: one document, or every shard of one saved split,
 * merged. A missing or foreign shard is refused by name: a partial baseline would compare fewer
 * figures than it seems to.
 */
export function baselineOf(files: readonly string[], read: (file: string) => BenchResult): BenchResult {
  const docs = files.map((file) => ({ file, doc: read(file) as BenchResult & { shard?: BenchShardDoc['shard'] } }));
  const sharded = docs.filter((d): d is { file: string; doc: BenchShardDoc } => d.doc.shard !== undefined);
  if (sharded.length === 0) {
    if (docs.length === 1) return (docs[0] as { doc: BenchResult }).doc;
    throw new BootspecError(ErrorCodes.USAGE, `--baseline was given ${docs.length} documents that are not shards of one split`, { hint: 'give one saved result, or every shard of one bench --shard i/N split' });
  }
  const groups = new Set(sharded.map((d) => d.doc.shard.group));
  if (sharded.length !== docs.length || groups.size > 1) {
    throw new BootspecError(ErrorCodes.USAGE, `--baseline: ${files.join(', ')} are not the shards of one split (groups ${[...groups].join(', ')}${sharded.length === docs.length ? '' : ', and unsharded results'})`, { hint: 'give every shard of one bench --shard i/N split, and nothing else' });
  }
  const problems: string[] = [];
  const merged = mergeBenchShards(sharded, problems);
  if (problems.length > 0) throw new BootspecError(ErrorCodes.USAGE, `--baseline: ${problems.join('; ')}`, { hint: 'give every shard of the split: --baseline s1.json --baseline s2.json …' });
  return merged;
}

function mergedComparison(out: BenchResult, present: readonly BenchShardDoc[], incomplete: boolean): Comparison | null {
  const given = present.map((d) => d.comparison).filter((c): c is Comparison => c !== null);
  const model = given[0];
  if (!model) return null;
  const { kind, reference, candidate, threshold, resamples, seed, paired } = model;
  const merged = kind === 'vs' && out.vs ? compare(out.raw, out.vs.raw, { kind, reference, candidate, threshold, resamples, seed, paired }) : regate(model, given.flatMap((c) => c.figures));
  if (!incomplete || merged.verdict === 'regressed') return merged;
  // Figures of a missing shard were never compared: nothing can be said about them.
  return { ...merged, verdict: 'inconclusive', gate: `${merged.gate ?? ''}; a shard is missing, so its figures were not compared` };
}

/**
 * The verdicts of figures compared in separate shards, gated as one family: Holm's adjustment over
 * all the p-values of a tier. An `unchanged` stays one (an equivalence test needs no adjustment); a
 * `regressed` or `improved` whose adjusted p-value no longer passes becomes `inconclusive`.
 */
export function regate(model: Comparison, all: readonly ComparedFigure[]): Comparison {
  const seen = new Set<string>();
  const figures = all.filter((f) => !seen.has(f.figure) && seen.add(f.figure)).map((f) => ({ ...f }));
  for (const tier of ['primary', 'secondary'] as const) {
    const members = figures.filter((f) => (f.tier ?? 'primary') === tier);
    const adjusted = holm(members.map((f) => f.p ?? 1));
    members.forEach((f, k) => {
      const pAdjusted = adjusted[k] as number;
      const worse = f.better === 'lower' ? f.ratio : 1 / f.ratio;
      f.pAdjusted = Math.round(pAdjusted * 1e4) / 1e4;
      if (pAdjusted < ALPHA && worse > 1 + model.threshold) f.verdict = 'regressed';
      else if (pAdjusted < ALPHA && worse < 1 / (1 + model.threshold)) f.verdict = 'improved';
      else if (f.verdict !== 'unchanged') f.verdict = 'inconclusive';
    });
  }
  const primary = figures.filter((f) => (f.tier ?? 'primary') === 'primary');
  const verdict = overallVerdict(primary.map((f) => f.verdict));
  const noisiest = primary.filter((f) => f.verdict === 'inconclusive').sort((x, y) => (y.noise ?? 0) - (x.noise ?? 0))[0];
  const { noise: _stale, ...settings } = model;
  return {
    ...settings,
    figures,
    regressed: primary.filter((f) => f.verdict === 'regressed').length,
    improved: primary.filter((f) => f.verdict === 'improved').length,
    verdict,
    alpha: ALPHA,
    gate: `primary figures gate (Holm over every shard's, family-wise α ${ALPHA} over ${primary.length}), ${figures.length - primary.length} others inform (Holm within their own family)`,
    ...(verdict === 'inconclusive' && noisiest?.noise !== undefined ? { noise: { figure: noisiest.figure, noise: noisiest.noise } } : {}),
  };
}
