/**
 * The report's view of a history: lanes as columns, scenarios grouped by area as rows, and the
 * facts every section shows the same way (verdict marks, versions, reproduce commands).
 */
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Level, ScenarioResult, Verdict } from '../../suite/types.ts';
import type { BenchSnapshot, ConformanceSnapshot, LaneHistory, ReportHistory, VerdictChange } from '../history-types.ts';
import { anchorId } from './markup.ts';

/** Glyph, word and class per verdict: colour is never the only signal (colour-blind safe). */
export const VERDICT_VIEW: Record<Verdict, { glyph: string; word: string; meaning: string }> = {
  pass: { glyph: '✓', word: 'pass', meaning: 'as required' },
  fail: { glyph: '✗', word: 'fail', meaning: 'a MUST is broken' },
  warn: { glyph: '!', word: 'warn', meaning: 'a SHOULD is broken' },
  'precondition-failed': { glyph: '^', word: 'precondition failed', meaning: 'something it relies on is broken; the scenario named in the message judges that' },
  unsupported: { glyph: '∅', word: 'unsupported', meaning: 'an optional feature the runtime does not claim' },
  skip: { glyph: '–', word: 'skip', meaning: 'not selected, or not possible with this driver' },
  error: { glyph: '⚙', word: 'error', meaning: 'the harness failed; not counted against the runtime' },
};

export const VERDICT_ORDER: readonly Verdict[] = ['fail', 'warn', 'error', 'precondition-failed', 'pass', 'unsupported', 'skip'];

export interface LaneView {
  index: number;
  key: string;
  /** What a reader sees: the runtime's name, with the driver only when lanes differ by driver. */
  label: string;
  history: LaneHistory;
  current: ConformanceSnapshot | undefined;
  previous: ConformanceSnapshot | undefined;
  bench: BenchSnapshot | undefined;
  /** The runtime's client and its version, as far as the run shows it. */
  clientVersion: string;
  userAgent: string | undefined;
  hostLabel: string;
}

export interface CellView {
  lane: LaneView;
  result: ScenarioResult | undefined;
  change: VerdictChange | undefined;
  caseAnchor: string;
}

export interface ScenarioRow {
  id: string;
  area: string;
  level: Level;
  title: string;
  requirement: string;
  source: string;
  cells: CellView[];
}

export interface AreaGroup {
  area: string;
  rows: ScenarioRow[];
}

export interface ReportView {
  history: ReportHistory;
  lanes: LaneView[];
  areas: AreaGroup[];
  generatedAt: string;
  specText: string | undefined;
  /** The label of a lane key (as history's changes name lanes). */
  label(key: string): string;
}

const REPO_ROOT = resolve(fileURLToPath(new URL('../../../', import.meta.url)));

/** Name and version of the runtime client: from the manifest's description, e.g. "aws-lambda-go 1.55.1". */
export function clientVersion(run: ConformanceSnapshot['run'] | undefined): string {
  if (!run) return '';
  const m = run.manifest;
  if (m && typeof m === 'object' && 'version' in m && typeof m.version === 'string') return m.version;
  const match = /([A-Za-z][\w@/.+-]*)\s+v?(\d+\.\d+(?:\.\d+)?(?:[-+][\w.]+)?)/.exec(run.runtime.description);
  return match ? `${match[1]} ${match[2]}` : '';
}

/** The User-Agent the runtime sent to the Runtime API, when any exchange was recorded. */
function userAgent(run: ConformanceSnapshot['run'] | undefined): string | undefined {
  for (const r of run?.results ?? []) {
    for (const e of r.evidence?.exchanges ?? []) {
      const ua = e.requestHeaders['user-agent'];
      if (ua) return ua;
    }
  }
  return undefined;
}

function hostLabel(s: ConformanceSnapshot | undefined): string {
  const h = s?.host;
  return h ? `${h.os.replace(/\s*\(.*\)/, '')} · ${h.arch} · ${h.cpus} cpu` : 'host not recorded';
}

/** The runtime folder as a reader should type it: relative to the bootspec checkout when inside it. */
export function runtimeDirForCommand(dir: string): string {
  const rel = relative(REPO_ROOT, dir);
  if (!rel.startsWith('..') && !rel.startsWith('/')) return rel || '.';
  // A document captured in another checkout: keep the path from runtimes-under-test/ on.
  const i = dir.indexOf('runtimes-under-test/');
  return i >= 0 ? dir.slice(i) : dir;
}

const shellWord = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);

/** One line that reproduces one case. */
export function reproduceCommand(lane: LaneView, id: string): string {
  const run = lane.current?.run;
  const dir = run ? runtimeDirForCommand(run.runtime.dir) : lane.history.runtime;
  const driver = lane.history.driver === 'process' ? '' : ` --driver ${shellWord(lane.history.driver)}`;
  return `npx bootspec run ${shellWord(dir)} --only ${shellWord(id)}${driver} --no-expectations`;
}

export const caseAnchor = (lane: LaneView, id: string): string => anchorId('case', `L${lane.index}`, id);

function laneView(history: LaneHistory, index: number, oneDriver: boolean): LaneView {
  const current = history.conformance.at(-1);
  return {
    index,
    key: history.key,
    label: oneDriver ? history.runtime : history.key,
    history,
    current,
    previous: history.conformance.at(-2),
    bench: history.bench.at(-1),
    clientVersion: clientVersion(current?.run),
    userAgent: userAgent(current?.run),
    hostLabel: hostLabel(current),
  };
}

function rows(lanes: LaneView[], changes: Map<string, VerdictChange>): AreaGroup[] {
  const order: string[] = [];
  const meta = new Map<string, ScenarioResult>();
  for (const lane of lanes) {
    for (const r of lane.current?.run.results ?? []) {
      if (!meta.has(r.id)) {
        meta.set(r.id, r);
        order.push(r.id);
      }
    }
  }
  const groups = new Map<string, AreaGroup>();
  for (const id of order) {
    const m = meta.get(id) as ScenarioResult;
    const cells = lanes.map((lane) => ({
      lane,
      result: lane.current?.run.results.find((r) => r.id === id),
      change: changes.get(`${lane.key}\n${id}`),
      caseAnchor: caseAnchor(lane, id),
    }));
    // A scenario no lane selected (--only elsewhere) is noise in the matrix.
    if (cells.every((c) => !c.result || (c.result.verdict === 'skip' && c.result.message.startsWith('not selected')))) continue;
    const group = groups.get(m.area) ?? { area: m.area, rows: [] };
    group.rows.push({ id, area: m.area, level: m.level, title: m.title, requirement: m.requirement, source: m.source, cells });
    groups.set(m.area, group);
  }
  return [...groups.values()];
}

export function reportView(history: ReportHistory, specText: string | undefined): ReportView {
  const oneDriver = new Set(history.lanes.map((l) => l.driver)).size <= 1;
  const lanes = history.lanes.map((l, i) => laneView(l, i, oneDriver));
  const changes = new Map(history.diffs.flatMap((d) => d.verdictChanges.map((c) => [`${c.lane}\n${c.id}`, c] as const)));
  const labels = new Map(lanes.map((l) => [l.key, l.label]));
  return { history, lanes, areas: rows(lanes, changes), generatedAt: new Date().toISOString(), specText, label: (key) => labels.get(key) ?? key };
}

export function formatDate(iso: string | undefined): string {
  if (!iso) return '—';
  return iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
}

export function formatNumber(n: number | undefined, digits = 1): string {
  if (n === undefined) return '—';
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  return Number.isInteger(n) ? String(n) : n.toFixed(digits);
}

export function formatPct(n: number | undefined): string {
  if (n === undefined) return '—';
  return `${n > 0 ? '+' : n < 0 ? '−' : '±'}${Math.abs(n).toFixed(1)}%`;
}
