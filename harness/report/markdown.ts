/**
 * A compact Markdown summary for CI step summaries and pull-request comments: regressions first,
 * then totals per runtime lane, what else changed since the baseline, and the failures.
 */
import type { ScenarioResult, Verdict } from '../suite/types.ts';
import { regressions } from './history.ts';
import { requirementRef } from './html/contract-docs.ts';
import type { BenchFigures, FigureChange, LaneHistory, ReportHistory, VerdictChange } from './history-types.ts';

const GLYPH: Record<Verdict, string> = { pass: '✓', fail: '✗', warn: '!', 'precondition-failed': '^', unsupported: '∅', skip: '–', error: '⚙' };
/** GitHub comments stop at 65,536 characters; leave room for whatever CI adds around the summary. */
const MAX_FAILURE_LINES = 60;

export interface MarkdownOptions {
  /** Where the full HTML report is (a path or URL), linked from the summary. */
  htmlReport?: string;
}

/** Text safe inside a Markdown table cell. */
function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'));
}

const code = (s: string) => `\`${s.replace(/`/g, 'ˋ')}\``;

function pct(n: number | undefined): string {
  return n === undefined ? '?' : `${n > 0 ? '+' : n < 0 ? '−' : '±'}${Math.abs(n).toFixed(1)}%`;
}

function value(n: number | undefined, unit: string): string {
  if (n === undefined) return '?';
  if (unit === 'µs' && n >= 1000) return value(n / 1000, 'ms');
  const v = Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
  return unit === '/s' ? `${v}/s` : `${v} ${unit}`;
}

function figureLine(f: FigureChange): string {
  const ci = f.ciLowPct !== undefined && f.ciHighPct !== undefined ? `, ${Math.round((f.confidence ?? 0.95) * 100)}% CI ${pct(f.ciLowPct)} … ${pct(f.ciHighPct)}` : '';
  return `${value(f.baseline, f.unit)} → ${value(f.current, f.unit)} (${pct(f.changePct)}${ci})`;
}

function verdictLine(c: VerdictChange): string {
  return `${c.from} → ${c.to}: ${c.message}`;
}

function headline(h: ReportHistory, lanes: LaneHistory[]): string {
  const { failures, figures } = regressions(h);
  const failing = lanes.filter((l) => (l.conformance.at(-1)?.run.summary.fail ?? 0) > 0).length;
  const erroring = lanes.filter((l) => (l.conformance.at(-1)?.run.summary.error ?? 0) > 0).length;
  const compared = h.diffs.some((d) => d.fromAt !== undefined || d.figureChanges.length > 0);
  const parts = [
    failures.length || figures.length ? `▲ ${failures.length} new failure(s), ${figures.length} performance regression(s)` : compared ? '✓ no regression' : 'no baseline to compare with',
    `${failing} of ${lanes.length} runtime(s) fail a MUST`,
  ];
  if (erroring) parts.push(`${erroring} with harness errors`);
  return `## bootspec: ${parts.join(' · ')}`;
}

function regressionTable(h: ReportHistory): string[] {
  const { failures, figures } = regressions(h);
  if (!failures.length && !figures.length) return [];
  return [
    '### Regressions since the baseline',
    '',
    '| | Runtime | What | Change |',
    '|---|---|---|---|',
    ...failures.map((c) => `| ${GLYPH[c.to === 'absent' ? 'skip' : c.to]} | ${cell(c.lane)} | ${code(c.id)} (${c.level}) | ${cell(verdictLine(c))} |`),
    ...figures.map((f) => `| ▲ | ${cell(f.lane)} | ${cell(f.label)} | ${cell(figureLine(f))} |`),
    '',
  ];
}

function totals(lanes: LaneHistory[]): string[] {
  const anyBench = lanes.some((l) => l.bench.length);
  const head = `| Runtime | Driver | ✓ pass | ✗ fail | ! warn | ^ precondition failed | ⚙ error | ∅ unsupp. | – skip |${anyBench ? ' p50 | p99 | cold p50 |' : ''}`;
  const rule = `|---|---|--:|--:|--:|--:|--:|--:|--:|${anyBench ? '--:|--:|--:|' : ''}`;
  const rows = lanes.map((l) => {
    const s = l.conformance.at(-1)?.run.summary;
    // Documents older than the precondition-failed verdict have no count for it.
    const counts = s ? `${s.pass} | ${s.fail} | ${s.warn} | ${s['precondition-failed'] ?? 0} | ${s.error} | ${s.unsupported} | ${s.skip}` : '– | – | – | – | – | – | –';
    const f = l.bench.at(-1)?.figures;
    const perf = anyBench ? ` ${value(f?.latency?.p50Us, 'µs')} | ${value(f?.latency?.p99Us, 'µs')} | ${value(f?.coldStart?.p50Ms, 'ms')} |` : '';
    const stale = l.stale ? ` (stale: ${cell(l.stale.reason)})` : '';
    return `| ${cell(l.runtime)}${stale} | ${cell(l.driver)} | ${counts} |${perf}`;
  });
  return ['### Totals', '', head, rule, ...rows, ''];
}

/** The streaming and concurrency bench figures, each runtime (and its `--vs` of the same run) a row. */
function modeFigures(lanes: LaneHistory[]): string[] {
  const out: string[] = [];
  const sides = <T>(pick: (f: Pick<BenchFigures, 'streaming' | 'concurrency'>) => T | undefined) =>
    lanes.flatMap((l) => {
      const f = l.bench.at(-1)?.figures;
      if (!f) return [];
      const rows: Array<{ name: string; v: T }> = [];
      const own = pick(f);
      if (own) rows.push({ name: l.runtime, v: own });
      const vs = f.vs ? pick(f.vs) : undefined;
      if (vs && f.vs) rows.push({ name: `${f.vs.name} (--vs)`, v: vs });
      return rows;
    });
  const streaming = sides((f) => f.streaming);
  if (streaming.length) {
    out.push('### Streamed responses', '', '| Runtime | stream | first byte p50 | last byte p50 | rate | floor: first byte p50 | floor: rate |', '|---|---|--:|--:|--:|--:|--:|');
    for (const { name, v } of streaming) {
      if (v.skipped !== undefined) out.push(`| ${cell(name)} | not measured: ${cell(v.skipped)} | | | | | |`);
      else for (const s of v.streams) out.push(`| ${cell(name)} | ${cell(s.stream)} | ${value(s.ttfbP50Us, 'µs')} | ${value(s.completeP50Us, 'µs')} | ${value(s.mibPerSec, 'MiB/s')} | ${value(s.floorTtfbP50Us, 'µs')} | ${value(s.floorMibPerSec, 'MiB/s')} |`);
    }
    out.push('');
  }
  const concurrency = sides((f) => f.concurrency);
  if (concurrency.length) {
    const levels = [...new Set(concurrency.flatMap((r) => r.v.levels.map((p) => p.concurrency)))].sort((a, b) => a - b);
    out.push('### Concurrency in one environment (invokes/s)', '', `| Runtime | ${levels.map((n) => `N = ${n}`).join(' | ')} | stops scaling at |`, `|---|${levels.map(() => '--:|').join('')}---|`);
    for (const { name, v } of concurrency) {
      if (v.skipped !== undefined) out.push(`| ${cell(name)} | not measured: ${cell(v.skipped)} |${levels.map(() => ' |').join('')}`);
      else out.push(`| ${cell(name)} | ${levels.map((n) => value(v.levels.find((p) => p.concurrency === n)?.perSec, '/s')).join(' | ')} | ${v.stopsScalingAt === null ? 'scaled to the last level' : v.stopsScalingAt === undefined ? '–' : `N = ${v.stopsScalingAt}`} |`);
    }
    const ideal = (n: number) => concurrency.flatMap((r) => r.v.levels).find((p) => p.concurrency === n)?.idealPerSec;
    out.push(`| ideal (N / sleep) | ${levels.map((n) => value(ideal(n), '/s')).join(' | ')} | |`, '');
  }
  return out;
}

function otherChanges(h: ReportHistory): string[] {
  const fixed = h.diffs.flatMap((d) => d.verdictChanges.filter((c) => c.kind === 'fixed'));
  const other = h.diffs.flatMap((d) => d.verdictChanges.filter((c) => c.kind !== 'fixed' && c.kind !== 'new-failure'));
  const improved = h.diffs.flatMap((d) => d.figureChanges.filter((f) => f.verdict === 'improvement'));
  const meta = h.diffs.filter((d) => d.metadataChanges.length);
  const out: string[] = [];
  if (fixed.length) out.push(`**Fixed:** ${fixed.map((c) => `${code(c.id)} (${cell(c.lane)})`).join(', ')}`, '');
  if (improved.length) out.push(`**Faster or smaller:** ${improved.map((f) => `${cell(f.lane)} ${cell(f.label)} ${pct(f.changePct)}`).join(', ')}`, '');
  if (other.length) out.push(`**Other verdict changes:** ${other.map((c) => `${code(c.id)} ${c.from} → ${c.to} (${cell(c.lane)})`).join(', ')}`, '');
  if (meta.length) out.push(`**Also changed:** ${meta.map((d) => `${cell(d.lane)}: ${cell(d.metadataChanges.join('; '))}`).join(' · ')}`, '');
  return out;
}

function failureList(lanes: LaneHistory[]): string[] {
  const bad = lanes.flatMap((l) => (l.conformance.at(-1)?.run.results ?? []).filter((r) => r.verdict === 'fail' || r.verdict === 'warn' || r.verdict === 'error').map((r) => ({ lane: l, r })));
  if (!bad.length) return [];
  const line = ({ lane, r }: { lane: LaneHistory; r: ScenarioResult }) => {
    const ea = r.expected !== undefined ? ` (expected ${cell(r.expected)}; actual ${cell(r.actual ?? '?')})` : '';
    return `- ${GLYPH[r.verdict]} **${cell(lane.runtime)}** ${code(r.id)} (${r.level}): ${cell(r.message)}${ea} · ${code(requirementRef(r.id))}`;
  };
  const shown = bad.slice(0, MAX_FAILURE_LINES).map(line);
  if (bad.length > shown.length) shown.push(`- … and ${bad.length - shown.length} more in the HTML report`);
  const n = (v: Verdict) => bad.filter((b) => b.r.verdict === v).length;
  return ['<details><summary>Failures now: ' + `${n('fail')} fail, ${n('warn')} warn, ${n('error')} error</summary>`, '', ...shown, '', '</details>', ''];
}

export function markdownSummary(h: ReportHistory, options: MarkdownOptions = {}): string {
  const lanes = h.lanes.filter((l) => l.conformance.length || l.bench.length || l.stale);
  const versions = [...new Set(lanes.map((l) => l.conformance.at(-1)?.toolVersion ?? l.bench.at(-1)?.toolVersion).filter(Boolean))];
  const out = [
    headline(h, lanes),
    '',
    ...regressionTable(h),
    ...totals(lanes),
    ...modeFigures(lanes),
    ...otherChanges(h),
    ...failureList(lanes),
    `<sub>bootspec ${versions.join(', ') || '?'} · newest run ${h.newestAt.slice(0, 16).replace('T', ' ')} UTC · ${h.files.length} document(s)${options.htmlReport ? ` · full report: ${options.htmlReport}` : ''}</sub>`,
    '',
  ];
  return out.join('\n');
}
