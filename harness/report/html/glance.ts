/** The top of the report: regressions first, then one card per runtime lane. */
import { regressions } from '../history.ts';
import type { FigureChange, VerdictChange } from '../history-types.ts';
import { anchorId, html, type Markup } from './markup.ts';
import { countsLine, verdictBadge } from './matrix.ts';
import { interval, valueWithUnit } from './performance.ts';
import { formatDate, formatPct, type LaneView, type ReportView } from './view.ts';

function failureItem(view: ReportView, c: VerdictChange): Markup {
  const lane = view.lanes.find((l) => l.key === c.lane);
  const href = lane ? `#${anchorId('case', `L${lane.index}`, c.id)}` : '#matrix';
  return html`<li>${verdictBadge(c.to === 'absent' ? 'skip' : c.to)} <b>${view.label(c.lane)}</b>: <a href="${href}"><code>${c.id}</code></a> <span class="level level-${c.level}">${c.level}</span> was ${c.from}: ${c.message}</li>`;
}

function figureItem(view: ReportView, f: FigureChange): Markup {
  return html`<li><span class="fv fv-regression">▲ regression</span> <b>${view.label(f.lane)}</b>: ${f.label} ${valueWithUnit(f.baseline, f.unit)} → ${valueWithUnit(f.current, f.unit)} (${formatPct(f.changePct)}, ${interval(f)})</li>`;
}

function alerts(view: ReportView): Markup {
  const { failures, figures } = regressions(view.history);
  const fixes = view.history.diffs.flatMap((d) => d.verdictChanges.filter((c) => c.kind === 'fixed'));
  const stale = view.lanes.filter((l) => l.history.stale);
  const compared = view.history.diffs.some((d) => d.fromAt || d.figureChanges.length);
  const staleBox = stale.length
    ? html`<div class="alert alert-stale"><b>Stale lanes:</b> ${stale.map((l) => html`${l.label} (${l.history.stale?.reason}; last finished ${formatDate(l.history.stale?.lastFinishedAt)}) `)}</div>`
    : '';
  if (!failures.length && !figures.length) {
    return html`${staleBox}${compared ? html`<div class="alert alert-ok">✓ No new failure and no performance regression since the previous run${fixes.length ? html`; ${fixes.length} scenario(s) fixed` : ''}.</div>` : ''}`;
  }
  return html`${staleBox}<div class="alert alert-bad" id="regressions">
    <h2>▲ Since the previous run: ${failures.length} new failure(s), ${figures.length} performance regression(s)</h2>
    <ul>${failures.map((c) => failureItem(view, c))}${figures.map((f) => figureItem(view, f))}</ul>
    ${fixes.length ? html`<p>Also ${fixes.length} scenario(s) fixed: ${fixes.map((c) => html`<code>${c.id}</code> (${view.label(c.lane)}) `)}</p>` : ''}
  </div>`;
}

function headline(lane: LaneView): Markup {
  const s = lane.current?.run.summary;
  if (!s) return html`<p class="headline muted">no conformance results</p>`;
  const blocked = s['precondition-failed'] ?? 0;
  const run = s.pass + s.fail + s.warn + blocked + s.unsupported + s.error;
  if (s.error) return html`<p class="headline v-error">⚙ ${s.error} harness error(s): results incomplete</p>`;
  if (s.fail) return html`<p class="headline v-fail">✗ ${s.fail} MUST failure(s)${s.warn ? `, ${s.warn} SHOULD warning(s)` : ''}${blocked ? `; ${blocked} scenario(s) could not judge their subject` : ''}</p>`;
  if (s.warn) return html`<p class="headline v-warn">! conforms to every MUST; ${s.warn} SHOULD warning(s)</p>`;
  return html`<p class="headline v-pass">✓ all ${run} scenario(s) pass</p>`;
}

function perfLine(lane: LaneView, view: ReportView): Markup {
  const f = lane.bench?.figures;
  if (!f) return html``;
  const regressed = view.history.diffs.find((d) => d.lane === lane.key)?.figureChanges.filter((c) => c.verdict === 'regression') ?? [];
  return html`<p class="perf-line">p50 ${valueWithUnit(f.latency?.p50Us, 'µs')} · p99 ${valueWithUnit(f.latency?.p99Us, 'µs')} · cold ${valueWithUnit(f.coldStart?.p50Ms, 'ms')} · RSS ${valueWithUnit(f.memory?.peakRssMb, 'MB')}${regressed.length ? html` <a href="#perf-regressions" class="fv fv-regression">▲ ${regressed.length} regression(s)</a>` : ''}</p>`;
}

function card(lane: LaneView, view: ReportView): Markup {
  return html`<article class="card${lane.history.stale ? ' is-stale' : ''}">
    <h3>${lane.history.runtime}</h3>
    <p class="muted">${lane.clientVersion || 'version not stated'} · driver ${lane.history.driver}</p>
    ${headline(lane)}
    ${lane.current ? countsLine(lane.current.run.summary) : ''}
    ${perfLine(lane, view)}
    ${lane.history.stale ? html`<p class="stale">stale: ${lane.history.stale.reason}</p>` : ''}
  </article>`;
}

export function glanceSection(view: ReportView): Markup {
  return html`<section id="glance" class="overview">
    ${alerts(view)}
    <div class="cards">${view.lanes.map((l) => card(l, view))}</div>
  </section>`;
}
