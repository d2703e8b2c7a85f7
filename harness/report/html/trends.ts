/** History: a trend per runtime and per benchmark figure, and what changed since the previous run. */
import { BENCH_FIGURES, comparisonPath, figureValue } from '../history-bench.ts';
import { rankVerdictChange } from '../history.ts';
import type { LaneDiff, VerdictChange } from '../history-types.ts';
import { axis, baseOptions, type ChartSpec, chartFigure, laneStyle, type Unit, VERDICT_COLORS } from './charts.ts';
import { html, type Markup } from './markup.ts';
import { verdictBadge } from './matrix.ts';
import { figureVerdict, interval, valueWithUnit } from './performance.ts';
import { anchorId } from './markup.ts';
import { formatDate, formatPct, type LaneView, type ReportView } from './view.ts';

function dates(lanes: LaneView[], pick: (l: LaneView) => string[]): string[] {
  return [...new Set(lanes.flatMap(pick))].sort();
}

/** Runs sit at their real times on a linear axis: lanes of one night run minutes apart. */
const timeAxis = () => axis('run (UTC)', { type: 'linear', ticks: { maxTicksLimit: 5 } });

function conformanceTrend(lanes: LaneView[]): ChartSpec {
  return {
    id: 'chart-trend-conformance',
    title: 'Failing scenarios (fail, warn, error) per runtime over the runs',
    units: { x: 'date', y: 'count' },
    config: {
      type: 'line',
      data: {
        datasets: lanes.map((l) => ({
          label: l.label,
          data: l.history.conformance.map((c) => ({ x: Date.parse(c.at), y: c.run.summary.fail + c.run.summary.warn + c.run.summary.error })),
          ...laneStyle(l.index),
        })),
      },
      options: baseOptions({ scales: { x: timeAxis(), y: axis('failing scenarios', { beginAtZero: true, ticks: { precision: 0 } }) } }),
    },
  };
}

const TREND_FIGURES = ['latency.p50Us', 'latency.p99Us', 'throughput.sequentialPerSec', 'coldStart.p50Ms', 'memory.peakRssMb'];
const UNIT_OF: Record<string, Unit> = { 'µs': 'us', ms: 'ms', MB: 'MB', '/s': 'perSec' };

/** Whether the bench run at `snapshot` called this figure a regression against its baseline. */
function regressedAt(l: LaneView, at: string, path: string): boolean {
  const s = l.history.bench.find((b) => b.at === at);
  return s?.figures.comparison.some((c) => c.verdict === 'regression' && comparisonPath(c.figure) === path) ?? false;
}

/**
 * One figure over the runs, as the change from each runtime's first run in view: runtimes that
 * differ a hundredfold share one scale, and a 20 % step stands out. Regressed runs are marked.
 */
function figureTrend(lanes: LaneView[], path: string): ChartSpec | undefined {
  const fig = BENCH_FIGURES.find((f) => f.path === path);
  if (!fig || !lanes.some((l) => l.history.bench.length > 1)) return undefined;
  const unit = UNIT_OF[fig.unit] ?? 'count';
  const datasets = lanes
    .map((l) => {
      const points = l.history.bench.flatMap((b) => {
        const v = figureValue(b.figures, path);
        return v === undefined ? [] : [{ at: b.at, v }];
      });
      const first = points.find((p) => p.v !== 0)?.v;
      const regressed = points.map((p) => regressedAt(l, p.at, path));
      const style = laneStyle(l.index);
      return {
        label: l.label,
        data: first === undefined ? [] : points.map((p) => ({ x: Date.parse(p.at), y: Math.round((p.v / first - 1) * 1000) / 10, v: p.v, u: unit })),
        ...style,
        pointRadius: regressed.map((r) => (r ? 8 : 3)),
        pointBackgroundColor: regressed.map((r) => (r ? VERDICT_COLORS.regression : style.backgroundColor)),
        pointBorderColor: regressed.map((r) => (r ? '#000' : style.borderColor)),
      };
    })
    .filter((d) => d.data.length > 0);
  if (!datasets.length) return undefined;
  return {
    id: anchorId('chart-trend', path),
    title: `${fig.label}: change per runtime since its first run shown (${fig.better} is better); large dots are regressions`,
    units: { x: 'date', y: 'pct' },
    config: {
      type: 'line',
      data: { datasets },
      options: baseOptions({ scales: { x: timeAxis(), y: axis(`${fig.label}, change (%)`) } }),
    },
  };
}

function caseLink(view: ReportView, c: VerdictChange): Markup {
  const lane = view.lanes.find((l) => l.key === c.lane);
  const anchor = lane ? anchorId('case', `L${lane.index}`, c.id) : '';
  return anchor && c.to !== 'absent' ? html`<a href="#${anchor}"><code>${c.id}</code></a>` : html`<code>${c.id}</code>`;
}

const KIND_LABEL: Record<VerdictChange['kind'], string> = { 'new-failure': 'new failure', fixed: 'fixed', changed: 'changed', added: 'new scenario', removed: 'removed' };

function changeRow(view: ReportView, c: VerdictChange): Markup {
  const from = c.from === 'absent' ? html`<span class="muted">absent</span>` : verdictBadge(c.from);
  const to = c.to === 'absent' ? html`<span class="muted">absent</span>` : verdictBadge(c.to);
  return html`<tr class="diff-${c.kind}"><td><span class="kind kind-${c.kind}">${KIND_LABEL[c.kind]}</span></td><td>${caseLink(view, c)} <span class="level level-${c.level}">${c.level}</span><div class="muted">${c.title}</div></td><td>${from} → ${to}</td><td>${c.message}</td></tr>`;
}

function laneDiffBlock(view: ReportView, d: LaneDiff): Markup {
  const verdicts = [...d.verdictChanges].sort((a, b) => rankVerdictChange(a) - rankVerdictChange(b));
  const figures = d.figureChanges.filter((f) => f.verdict !== 'unchanged');
  const quiet = !verdicts.length && !figures.length && !d.metadataChanges.length;
  return html`<div class="lane-diff">
    <h4>${view.label(d.lane)} <span class="muted">${d.fromAt ? `${formatDate(d.fromAt)} → ${formatDate(d.toAt)}` : `${formatDate(d.toAt)} (no earlier run)`}</span></h4>
    ${quiet ? html`<p class="muted">${d.fromAt ? 'No verdict changed; no figure moved beyond its interval.' : 'Nothing to compare with.'}</p>` : ''}
    ${verdicts.length ? html`<table class="data diff"><thead><tr><th>Change</th><th>Scenario</th><th>Verdict</th><th>Why, now</th></tr></thead><tbody>${verdicts.map((c) => changeRow(view, c))}</tbody></table>` : ''}
    ${figures.length ? html`<table class="data diff"><thead><tr><th>Figure</th><th>Baseline</th><th>Now</th><th>Change</th><th>Interval</th><th>Verdict</th></tr></thead><tbody>${figures.map((f) => html`<tr><td>${f.label}</td><td>${valueWithUnit(f.baseline, f.unit)}</td><td>${valueWithUnit(f.current, f.unit)}</td><td class="num">${formatPct(f.changePct)}</td><td>${interval(f)}</td><td>${figureVerdict(f)}</td></tr>`)}</tbody></table>` : ''}
    ${d.metadataChanges.length ? html`<p class="meta-change"><b>Also changed:</b> ${d.metadataChanges.join('; ')}</p>` : ''}
  </div>`;
}

export function historySection(view: ReportView, charts: ChartSpec[]): Markup {
  const withHistory = view.lanes.filter((l) => l.history.conformance.length > 1 || l.history.bench.length > 1);
  if (!withHistory.length) return html``;
  const specs = [conformanceTrend(view.lanes), ...TREND_FIGURES.map((f) => figureTrend(view.lanes, f))].filter((s): s is ChartSpec => s !== undefined);
  charts.push(...specs);
  const runs = dates(view.lanes, (l) => l.history.conformance.map((s) => s.at));
  return html`<section id="history" class="overview">
    <h2>History</h2>
    <p class="muted">${runs.length} conformance run(s) from ${formatDate(runs[0])} to ${formatDate(runs.at(-1))}; each runtime is compared with its own previous run.</p>
    <h3>What changed since the previous run</h3>
    ${view.history.diffs.map((d) => laneDiffBlock(view, d))}
    <h3>Trends</h3>
    <div class="grid">${specs.map((s) => chartFigure(s, s.title, 'small'))}</div>
  </section>`;
}
