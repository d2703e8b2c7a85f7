/**
 * History: documents from several runs -> one timeline per lane (runtime × driver), and the
 * run-vs-run difference of each lane (new failures, fixes, regressions, what else changed).
 */
import type { ScenarioResult, Verdict } from '../suite/types.ts';
import { BENCH_FIGURES, figureInfo, figureValue } from './history-bench.ts';
import { mergeShards, type ShardMerge } from '../shard/merge.ts';
import { type InputOptions, type LoadedDocument, loadDocument } from './history-documents.ts';
import {
  type BenchSnapshot,
  type ConformanceSnapshot,
  type FigureChange,
  type LaneDiff,
  type LaneHistory,
  laneKey,
  type ReportHistory,
  type VerdictChange,
} from './history-types.ts';

export interface ReportInput {
  file: string;
  options?: InputOptions;
}

/** Baseline documents first, then by date: the newest document of a lane is its current state. */
function chronological(a: LoadedDocument, b: LoadedDocument): number {
  if (a.baseline !== b.baseline) return a.baseline ? -1 : 1;
  return a.at.localeCompare(b.at);
}

function lane(lanes: Map<string, LaneHistory>, runtime: string, driver: string): LaneHistory {
  const key = laneKey({ runtime, driver });
  let l = lanes.get(key);
  if (!l) {
    l = { runtime, driver, key, conformance: [], bench: [] };
    lanes.set(key, l);
  }
  return l;
}

/** Drops a second copy of the same lane at the same time (the same file given twice). */
function uniqueByTime<T extends { at: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((s) => !seen.has(s.at) && seen.add(s.at) !== undefined);
}

export function buildHistory(docs: LoadedDocument[]): ReportHistory {
  const sorted = [...docs].sort(chronological);
  const lanes = new Map<string, LaneHistory>();
  // Columns in the order runtimes were first run (the command line's order), stable across nights.
  for (const d of sorted) {
    if (d.kind === 'results') for (const s of d.snapshots) lane(lanes, s.runtime, s.driver);
  }
  for (const d of sorted) {
    if (d.kind === 'results') for (const s of d.snapshots) lane(lanes, s.runtime, s.driver).conformance.push(s.snapshot);
    if (d.kind === 'bench') for (const s of d.snapshots) lane(lanes, s.runtime, s.driver).bench.push(s.snapshot);
  }
  const status = sorted.filter((d) => d.kind === 'nightly-status').at(-1);
  if (status?.kind === 'nightly-status') {
    for (const l of status.status.lanes.filter((x) => !x.finished)) {
      lane(lanes, l.runtime, l.driver).stale = {
        reason: l.reason ?? 'did not finish',
        attemptedAt: status.status.attemptedAt,
        ...(l.lastFinishedAt ? { lastFinishedAt: l.lastFinishedAt } : {}),
      };
    }
  }
  const all = [...lanes.values()].map((l) => ({ ...l, conformance: uniqueByTime(l.conformance), bench: uniqueByTime(l.bench) }));
  return {
    lanes: all,
    diffs: all.map(laneDiff).filter((d): d is LaneDiff => d !== undefined),
    newestAt: sorted.map((d) => d.at).sort().at(-1) ?? '',
    files: docs.map((d) => d.file),
  };
}

/** Reads the documents, merges shards of one split (`run --shard`), and says what a merge is missing. */
export function loadDocuments(inputs: ReportInput[]): ShardMerge {
  const merged = mergeShards(inputs.map((i) => loadDocument(i.file, i.options)));
  for (const p of merged.problems) process.stderr.write(`bootspec: ${p}\n`);
  return merged;
}

export function loadHistory(inputs: ReportInput[]): ReportHistory {
  return buildHistory(loadDocuments(inputs).docs);
}

const BAD: readonly Verdict[] = ['fail', 'warn'];

/** A scenario left out by --only is not a verdict about the runtime. */
function selected(r: ScenarioResult | undefined): ScenarioResult | undefined {
  return r && !(r.verdict === 'skip' && r.message.startsWith('not selected')) ? r : undefined;
}

function changeKind(from: Verdict | 'absent', to: Verdict | 'absent'): VerdictChange['kind'] {
  if (to !== 'absent' && BAD.includes(to) && (from === 'absent' || !BAD.includes(from))) return 'new-failure';
  if (from === 'absent') return 'added';
  if (to === 'absent') return 'removed';
  if (BAD.includes(from) && to === 'pass') return 'fixed';
  return 'changed';
}

export function verdictChanges(key: string, before: ConformanceSnapshot, after: ConformanceSnapshot): VerdictChange[] {
  const old = new Map(before.run.results.map((r) => [r.id, selected(r)]));
  const now = new Map(after.run.results.map((r) => [r.id, selected(r)]));
  const ids = [...new Set([...now.keys(), ...old.keys()])];
  const out: VerdictChange[] = [];
  for (const id of ids) {
    const a = old.get(id);
    const b = now.get(id);
    const from = a?.verdict ?? 'absent';
    const to = b?.verdict ?? 'absent';
    if (from === to) continue;
    // A scenario only one side selected says nothing about the runtime.
    if (!a && old.has(id)) continue;
    if (!b && now.has(id)) continue;
    const r = (b ?? a) as ScenarioResult;
    out.push({ lane: key, id, title: r.title, area: r.area, level: r.level, from, to, kind: changeKind(from, to), message: b?.message ?? 'no longer in the suite' });
  }
  return out;
}

/** Run-vs-run change of each figure when the bench gave no comparison of its own (no interval). */
function figureDrift(key: string, before: BenchSnapshot, after: BenchSnapshot): FigureChange[] {
  return BENCH_FIGURES.flatMap((f) => {
    const baseline = figureValue(before.figures, f.path);
    const current = figureValue(after.figures, f.path);
    if (baseline === undefined || current === undefined || baseline === 0) return [];
    const changePct = ((current - baseline) / baseline) * 100;
    return [{ lane: key, figure: f.path, label: f.label, unit: f.unit, baseline, current, changePct, verdict: 'inconclusive' as const, origin: 'history' as const }];
  });
}

function figureChanges(l: LaneHistory): FigureChange[] {
  const now = l.bench.at(-1);
  if (!now) return [];
  if (now.figures.comparison.length) {
    return now.figures.comparison.map((c) => ({ ...c, lane: l.key, label: figureInfo(c.figure).label, unit: c.unit ?? figureInfo(c.figure).unit }));
  }
  const before = l.bench.at(-2);
  return before ? figureDrift(l.key, before, now) : [];
}

function metadataChanges(a: ConformanceSnapshot, b: ConformanceSnapshot): string[] {
  const out: string[] = [];
  const ra = a.run.runtime;
  const rb = b.run.runtime;
  if (ra.buildKey !== rb.buildKey) out.push(`build digest ${ra.buildKey || '(none)'} → ${rb.buildKey || '(none)'}`);
  if ((a.run.manifestSha256 ?? null) !== (b.run.manifestSha256 ?? null) && a.run.manifestSha256 !== undefined) out.push('runtime.json changed');
  if (ra.description !== rb.description) out.push(`description "${ra.description}" → "${rb.description}"`);
  if (a.toolVersion !== b.toolVersion) out.push(`bootspec ${a.toolVersion} → ${b.toolVersion}`);
  if (a.host && b.host && a.host.fingerprint !== b.host.fingerprint) out.push(`host ${a.host.fingerprint} → ${b.host.fingerprint}: figures may not be comparable`);
  if (ra.pathFidelity !== rb.pathFidelity) out.push(`path fidelity ${ra.pathFidelity} → ${rb.pathFidelity}`);
  return out;
}

function laneDiff(l: LaneHistory): LaneDiff | undefined {
  const now = l.conformance.at(-1);
  const before = l.conformance.at(-2);
  const figures = figureChanges(l);
  if (!now && !figures.length) return undefined;
  const toAt = now?.at ?? l.bench.at(-1)?.at ?? '';
  return {
    lane: l.key,
    ...(before ? { fromAt: before.at } : {}),
    toAt,
    verdictChanges: now && before ? verdictChanges(l.key, before, now) : [],
    figureChanges: figures,
    metadataChanges: now && before ? metadataChanges(before, now) : [],
  };
}

/** Regressions first: new MUST failures, new SHOULD failures, performance regressions, then the rest. */
export function rankVerdictChange(c: VerdictChange): number {
  const order: Record<VerdictChange['kind'], number> = { 'new-failure': 0, changed: 2, removed: 3, added: 4, fixed: 5 };
  return order[c.kind] * 10 + (c.level === 'MUST' ? 0 : 1);
}

export function regressions(h: ReportHistory): { failures: VerdictChange[]; figures: FigureChange[] } {
  return {
    failures: h.diffs.flatMap((d) => d.verdictChanges.filter((c) => c.kind === 'new-failure')).sort((a, b) => rankVerdictChange(a) - rankVerdictChange(b)),
    figures: h.diffs.flatMap((d) => d.figureChanges.filter((c) => c.verdict === 'regression')),
  };
}
