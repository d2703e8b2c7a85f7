/**
 * The bench figures of the newer invoke modes: streamed responses (time to first byte and MiB/s,
 * beside the same-run minimal-client floor) and one environment's throughput over concurrency
 * (Lambda Managed Instances, beside the ideal N / sleep curve). A `--vs` runtime of the same run is
 * shown on its own row, since these figures are read side by side.
 */
import type { ConcurrencyReport, StreamingReport } from '../history-types.ts';
import { axis, baseOptions, type ChartSpec, laneStyle } from './charts.ts';
import { html, type Markup } from './markup.ts';
import { formatNumber, type LaneView } from './view.ts';

const us = (n: number | undefined) => (n === undefined ? '—' : n >= 1000 ? `${formatNumber(n / 1000, 1)} ms` : `${formatNumber(n, 1)} µs`);
const mibps = (n: number | undefined) => (n === undefined ? '—' : `${formatNumber(n, 1)} MiB/s`);

interface Side<T> {
  label: string;
  index: number;
  figures: T;
}

/** Each lane's figures, then its `--vs` runtime's (labelled as such). */
function sides<T>(lanes: LaneView[], own: (l: LaneView) => T | undefined, vs: (l: LaneView) => T | undefined): Array<Side<T>> {
  return lanes.flatMap((l) => {
    const out: Array<Side<T>> = [];
    const a = own(l);
    if (a) out.push({ label: l.label, index: l.index, figures: a });
    const b = vs(l);
    const name = l.bench?.figures.vs?.name;
    if (b) out.push({ label: `${name} (--vs, same run as ${l.history.runtime})`, index: l.index + lanes.length, figures: b });
    return out;
  });
}

export function streamingTable(lanes: LaneView[]): Markup {
  const rows = sides<StreamingReport>(
    lanes,
    (l) => l.bench?.figures.streaming,
    (l) => l.bench?.figures.vs?.streaming,
  );
  if (!rows.length) return html``;
  return html`<h3 id="perf-streaming">Streamed responses</h3>
    <table class="data"><thead><tr><th>Runtime</th><th>stream</th><th>first byte p50</th><th>last byte p50</th><th>rate</th><th class="floor">floor: first byte p50</th><th class="floor">floor: rate</th></tr></thead><tbody>
    ${rows.flatMap((r) =>
      r.figures.skipped !== undefined
        ? [html`<tr><td>${r.label}</td><td colspan="6" class="muted">not measured: ${r.figures.skipped}</td></tr>`]
        : r.figures.streams.map(
            (s) =>
              html`<tr><td>${r.label}</td><td>${s.stream}</td><td class="num">${us(s.ttfbP50Us)}</td><td class="num">${us(s.completeP50Us)}</td><td class="num">${mibps(s.mibPerSec)}</td><td class="num floor">${us(s.floorTtfbP50Us)}</td><td class="num floor">${mibps(s.floorMibPerSec)}</td></tr>`,
          ),
    )}
  </tbody></table>
  <p class="muted">Measured at the mock from the arrival of the streamed bytes (InvokeWithResponseStream), from the event handed to <code>/next</code>. The floor is the mock reading the same streams from a minimal raw-socket client in the same run: no runtime can beat it. These figures inform; they never gate.</p>`;
}

function concurrencyChart(rows: Array<Side<ConcurrencyReport>>): ChartSpec | undefined {
  const measured = rows.filter((r) => r.figures.levels.length);
  if (!measured.length) return undefined;
  const datasets: Array<Record<string, unknown>> = measured.map((r) => ({ label: r.label, data: r.figures.levels.map((p) => ({ x: p.concurrency, y: p.perSec })), showLine: true, tension: 0, ...laneStyle(r.index) }));
  const ideal = measured[0]?.figures.levels.filter((p) => p.idealPerSec !== undefined) ?? [];
  if (ideal.length) {
    datasets.push({ label: 'ideal: N / sleep', data: ideal.map((p) => ({ x: p.concurrency, y: p.idealPerSec })), showLine: true, tension: 0, ...laneStyle(6), borderColor: '#777', backgroundColor: '#777', borderDash: [3, 3], pointRadius: 0 });
  }
  return {
    id: 'chart-concurrency',
    title: 'Invocations per second of one execution environment against its concurrency (Managed Instances)',
    units: { x: 'count', y: 'perSec' },
    config: {
      type: 'scatter',
      data: { datasets },
      options: baseOptions({ scales: { x: axis('concurrent invocations in one environment (log)', { type: 'logarithmic' }), y: axis('invocations per second (log)', { type: 'logarithmic' }) } }),
    },
  };
}

export function concurrencyTable(lanes: LaneView[], add: (spec: ChartSpec | undefined, caption: string) => Markup): Markup {
  const rows = sides<ConcurrencyReport>(
    lanes,
    (l) => l.bench?.figures.concurrency,
    (l) => l.bench?.figures.vs?.concurrency,
  );
  if (!rows.length) return html``;
  const levels = [...new Set(rows.flatMap((r) => r.figures.levels.map((p) => p.concurrency)))].sort((a, b) => a - b);
  const idealOf = (n: number) => rows.flatMap((r) => r.figures.levels).find((p) => p.concurrency === n)?.idealPerSec;
  const sleeps = [...new Set(rows.map((r) => r.figures.sleepMs).filter((s) => s !== undefined))];
  const stops = (r: ConcurrencyReport) => (r.stopsScalingAt === null ? 'scaled to the last level' : r.stopsScalingAt === undefined ? '—' : `N = ${r.stopsScalingAt}`);
  return html`<h3 id="perf-concurrency">Concurrency in one environment (Managed Instances)</h3>
    <table class="data"><thead><tr><th>Runtime</th>${levels.map((n) => html`<th>N = ${n}</th>`)}<th>stops scaling at</th></tr></thead><tbody>
    ${rows.map((r) =>
      r.figures.skipped !== undefined
        ? html`<tr><td>${r.label}</td><td colspan="${levels.length + 1}" class="muted">not measured: ${r.figures.skipped}</td></tr>`
        : html`<tr><td>${r.label}</td>${levels.map((n) => {
            const p = r.figures.levels.find((x) => x.concurrency === n);
            return html`<td class="num">${p ? `${formatNumber(p.perSec)} /s${p.failed ? ` (${p.failed} failed)` : ''}` : '—'}</td>`;
          })}<td>${stops(r.figures)}</td></tr>`,
    )}
    <tr class="floor"><td>ideal: N / sleep</td>${levels.map((n) => html`<td class="num floor">${idealOf(n) === undefined ? '—' : `${formatNumber(idealOf(n))} /s`}</td>`)}<td></td></tr>
  </tbody></table>
  ${add(concurrencyChart(rows), `N callers in a closed loop against one environment with AWS_LAMBDA_MAX_CONCURRENCY = N, every invoke sleeping ${sleeps.join(' / ') || '?'} ms in the handler. The dashed line is the ideal: N / sleep. Where a curve leaves it, the runtime stops scaling.`)}`;
}
