/**
 * The performance section from bench results: regressions with their intervals first, then latency
 * (with the same-run floor beside every figure), throughput, cold start and memory.
 */
import type { FigureChange } from '../history-types.ts';
import { type ChartSpec, chartFigure } from './charts.ts';
import { html, type Markup } from './markup.ts';
import { concurrencyTable, streamingTable } from './performance-modes.ts';
import { coldStartChart, histogramChart, intervalChart, latencyChart, memoryChart, throughputChart } from './perf-charts.ts';
import { formatDate, formatNumber, formatPct, type LaneView, type ReportView } from './view.ts';

const us = (n: number | undefined) => (n === undefined ? '—' : n >= 1000 ? `${formatNumber(n / 1000, 1)} ms` : `${formatNumber(n, 1)} µs`);

const VERDICT_RANK: Record<FigureChange['verdict'], number> = { regression: 0, inconclusive: 1, improvement: 2, unchanged: 3 };

export function figureVerdict(c: FigureChange): Markup {
  const glyph = { regression: '▲', improvement: '▼', unchanged: '=', inconclusive: '?' }[c.verdict];
  return html`<span class="fv fv-${c.verdict}"><span aria-hidden="true">${glyph}</span> ${c.verdict}</span>`;
}

export function interval(c: FigureChange): string {
  if (c.ciLowPct === undefined || c.ciHighPct === undefined) return c.origin === 'history' ? 'no interval (run-vs-run only)' : '—';
  return `${Math.round((c.confidence ?? 0.95) * 100)}% CI ${formatPct(c.ciLowPct)} … ${formatPct(c.ciHighPct)}`;
}

export function valueWithUnit(n: number | undefined, unit: string): string {
  if (n === undefined) return '—';
  return unit === 'µs' ? us(n) : `${formatNumber(n)} ${unit}`;
}

function comparisonRows(view: ReportView, changes: FigureChange[]): Markup {
  return html`<table class="data comparisons"><thead><tr><th>Runtime</th><th>Figure</th><th>Baseline</th><th>Now</th><th>Change</th><th>Interval</th><th>Verdict</th></tr></thead><tbody>
    ${changes.map((c) => html`<tr class="fv-row-${c.verdict}"><td>${view.label(c.lane)}</td><td>${c.label}</td><td class="num">${valueWithUnit(c.baseline, c.unit)}</td><td class="num">${valueWithUnit(c.current, c.unit)}</td><td class="num">${formatPct(c.changePct)}</td><td>${interval(c)}</td><td>${figureVerdict(c)}</td></tr>`)}
  </tbody></table>`;
}

/** Regressions first, then everything else that moved; unchanged figures are folded away. */
function comparisonTable(view: ReportView, changes: FigureChange[]): Markup {
  const sorted = [...changes].sort((a, b) => VERDICT_RANK[a.verdict] - VERDICT_RANK[b.verdict] || Math.abs(b.changePct ?? 0) - Math.abs(a.changePct ?? 0));
  const moved = sorted.filter((c) => c.verdict !== 'unchanged');
  const same = sorted.filter((c) => c.verdict === 'unchanged');
  return html`<div>${moved.length ? comparisonRows(view, moved) : html`<p>Every compared figure is within its interval of the baseline.</p>`}
    ${same.length ? html`<details><summary>${same.length} figure(s) unchanged within their interval</summary>${comparisonRows(view, same)}</details>` : ''}</div>`;
}

function latencyTable(lanes: LaneView[]): Markup {
  return html`<table class="data"><thead><tr><th>Runtime</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th><th>samples</th><th class="floor">floor: loopback ping-pong</th><th class="floor">floor: C client vs mock</th><th class="floor">mock overhead</th></tr></thead><tbody>
    ${lanes.map((l) => {
      const f = l.bench?.figures;
      const lat = f?.latency;
      return html`<tr><td>${l.label}</td><td class="num">${us(lat?.p50Us)}</td><td class="num">${us(lat?.p90Us)}</td><td class="num">${us(lat?.p99Us)}</td><td class="num">${us(lat?.p999Us)}</td><td class="num">${us(lat?.maxUs)}</td><td class="num">${formatNumber(lat?.samples)}</td><td class="num floor">${us(f?.floor?.pingPongUs)}</td><td class="num floor">${us(f?.floor?.cMockUs)}</td><td class="num floor">${us(f?.mockOverheadUs)}</td></tr>`;
    })}
  </tbody></table>`;
}

function throughputTable(lanes: LaneView[]): Markup {
  const envs = [...new Set(lanes.flatMap((l) => l.bench?.figures.throughput?.concurrent.map((c) => c.environments) ?? []))].sort((a, b) => a - b);
  return html`<table class="data"><thead><tr><th>Runtime</th><th>sequential</th>${envs.map((e) => html`<th>${e} env${e === 1 ? '' : 's'}</th>`)}<th class="floor">floor: ping-pong ceiling</th></tr></thead><tbody>
    ${lanes.map((l) => {
      const t = l.bench?.figures.throughput;
      const ping = l.bench?.figures.floor?.pingPongUs;
      return html`<tr><td>${l.label}</td><td class="num">${formatNumber(t?.sequentialPerSec)} /s</td>${envs.map((e) => html`<td class="num">${formatNumber(t?.concurrent.find((c) => c.environments === e)?.perSec)} /s</td>`)}<td class="num floor">${ping ? `${formatNumber(1e6 / ping)} /s` : '—'}</td></tr>`;
    })}
  </tbody></table>`;
}

function coldMemoryTable(lanes: LaneView[]): Markup {
  return html`<table class="data"><thead><tr><th>Runtime</th><th>cold start p50</th><th>cold start p90</th><th>samples</th><th>peak RSS</th><th>growth</th></tr></thead><tbody>
    ${lanes.map((l) => {
      const f = l.bench?.figures;
      return html`<tr><td>${l.label}</td><td class="num">${valueWithUnit(f?.coldStart?.p50Ms, 'ms')}</td><td class="num">${valueWithUnit(f?.coldStart?.p90Ms, 'ms')}</td><td class="num">${formatNumber(f?.coldStart?.samples)}</td><td class="num">${valueWithUnit(f?.memory?.peakRssMb, 'MB')}</td><td class="num">${valueWithUnit(f?.memory?.growthMb, 'MB')}</td></tr>`;
    })}
  </tbody></table>`;
}

function hostLine(lanes: LaneView[]): Markup {
  const hosts = [...new Set(lanes.map((l) => JSON.stringify(l.bench?.figures.host ?? null)))].filter((h) => h !== 'null');
  const dates = [...new Set(lanes.map((l) => formatDate(l.bench?.at)))];
  return html`<p class="muted">Measured ${dates.join(', ')}. ${hosts.length > 1 ? html`<b>Runtimes were measured on ${hosts.length} different hosts: compare with care.</b>` : ''} The floor is a bare loopback round trip (and a C client against the same mock) measured in the same run: no runtime can be faster, so read every figure against it.</p>`;
}

export function performanceSection(view: ReportView, charts: ChartSpec[]): Markup {
  const lanes = view.lanes.filter((l) => l.bench);
  if (!lanes.length) return html``;
  const changes = view.history.diffs.flatMap((d) => d.figureChanges);
  const add = (spec: ChartSpec | undefined, caption: string, size: 'wide' | 'small' = 'wide') => {
    if (!spec) return html``;
    charts.push(spec);
    return chartFigure(spec, caption, size);
  };
  const regressed = changes.filter((c) => c.verdict === 'regression');
  return html`<section id="performance" class="overview">
    <h2>Performance</h2>
    ${hostLine(lanes)}
    ${changes.length ? html`<h3 id="perf-regressions">${regressed.length ? html`<span class="fv fv-regression">▲ ${regressed.length} regression(s)</span>` : 'No regression'} against the baseline</h3>
      <div class="two">${comparisonTable(view, changes)}${add(intervalChart(changes, view.label), 'Bars: confidence interval of the change; tick: the measured change. Right of zero means larger (slower, bigger; for throughput, faster).')}</div>` : ''}
    ${
      // a bench run with --phases shows only what it measured
      lanes.some((l) => l.bench?.figures.latency)
        ? html`<h3>Latency</h3>
    ${latencyTable(lanes)}
    ${add(latencyChart(lanes), 'Latency by percentile (HdrHistogram style), from the merged histogram when the bench carries one, else from its percentiles. The dashed grey line is the same-run loopback floor.')}
    <div class="grid">${lanes.map((l) => add(histogramChart(l), `${l.label}: latency histogram`, 'small'))}</div>`
        : ''
    }
    ${
      lanes.some((l) => l.bench?.figures.throughput)
        ? html`<h3>Throughput</h3>
    ${throughputTable(lanes)}
    ${add(throughputChart(lanes), 'Invocations per second as execution environments are added; a flat line means the runtime or the host does not scale further.')}`
        : ''
    }
    ${
      lanes.some((l) => l.bench?.figures.coldStart || l.bench?.figures.memory)
        ? html`<h3>Cold start and memory</h3>
    ${coldMemoryTable(lanes)}
    <div class="grid">${add(coldStartChart(lanes), 'Cold start (init) duration', 'small')}${add(memoryChart(lanes), 'Peak resident memory and its growth over the run', 'small')}</div>`
        : ''
    }
    ${streamingTable(lanes)}
    ${concurrencyTable(lanes, (spec, caption) => add(spec, caption))}
  </section>`;
}
