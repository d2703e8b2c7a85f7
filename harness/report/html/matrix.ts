/** The runtimes × scenarios matrix: areas as row groups, lanes as columns, one verdict cell per case. */
import type { Summary, Verdict } from '../../suite/types.ts';
import { html, type Markup } from './markup.ts';
import { emptySummary } from '../../suite/summary.ts';
import { type AreaGroup, type CellView, type LaneView, type ReportView, VERDICT_ORDER, VERDICT_VIEW } from './view.ts';

export function verdictBadge(v: Verdict, extraClass = ''): Markup {
  const view = VERDICT_VIEW[v];
  return html`<span class="verdict v-${v}${extraClass ? ` ${extraClass}` : ''}" title="${view.word}: ${view.meaning}"><span class="glyph" aria-hidden="true">${view.glyph}</span> ${view.word}</span>`;
}

export function levelBadge(level: string): Markup {
  return html`<span class="level level-${level}">${level}</span>`;
}

export function countsLine(s: Summary): Markup {
  const parts = VERDICT_ORDER.filter((v) => s[v] > 0).map((v) => html`<span class="count v-${v}" title="${s[v]} ${VERDICT_VIEW[v].word}"><span aria-hidden="true">${VERDICT_VIEW[v].glyph}</span>${s[v]}</span>`);
  return html`<span class="counts">${parts}</span>`;
}

export function laneHeader(lane: LaneView): Markup {
  const run = lane.current?.run;
  const stale = lane.history.stale;
  return html`<th class="lane-head" scope="col" data-lane="${lane.index}">
    <div class="lane-name">${lane.history.runtime}</div>
    ${lane.clientVersion ? html`<div class="lane-version">${lane.clientVersion}</div>` : ''}
    <div class="lane-meta"><span class="driver">${lane.history.driver}</span> · ${lane.hostLabel}</div>
    ${run ? countsLine(run.summary) : html`<div class="muted">no results</div>`}
    ${stale ? html`<div class="stale" title="${stale.reason}">stale: ${stale.reason}</div>` : ''}
  </th>`;
}

const notSelected = (c: CellView) => c.result?.verdict === 'skip' && c.result.message.startsWith('not selected');

function cell(c: CellView): Markup {
  const r = c.result;
  if (!r || notSelected(c)) return html`<td class="cell v-none" data-verdict="none"><span class="muted" title="not run">·</span></td>`;
  const change = c.change;
  const mark = change?.kind === 'new-failure' ? html`<span class="chg chg-new" title="was ${change.from} in the previous run">new</span>` : change?.kind === 'fixed' ? html`<span class="chg chg-fixed" title="was ${change.from} in the previous run">fixed</span>` : change ? html`<span class="chg" title="was ${change.from} in the previous run">was ${change.from}</span>` : '';
  return html`<td class="cell v-${r.verdict}" data-verdict="${r.verdict}"><a href="#${c.caseAnchor}" title="${c.lane.history.runtime}: ${VERDICT_VIEW[r.verdict].word}: ${r.message}">${verdictBadge(r.verdict)}</a>${mark}</td>`;
}

function areaCounts(group: AreaGroup, laneIndex: number): Markup {
  const s: Summary = emptySummary();
  for (const row of group.rows) {
    const c = row.cells[laneIndex];
    if (c?.result && !notSelected(c)) s[c.result.verdict] += 1;
  }
  return countsLine(s);
}

function areaBody(group: AreaGroup, lanes: LaneView[]): Markup {
  return html`<tbody class="area" data-area="${group.area}">
    <tr class="area-row"><th scope="rowgroup" colspan="2">${group.area} <span class="muted">(${group.rows.length})</span></th>${lanes.map((l) => html`<td>${areaCounts(group, l.index)}</td>`)}</tr>
    ${group.rows.map(
      (row) => html`<tr class="scenario" data-id="${row.id}" data-area="${row.area}" data-level="${row.level}" data-verdicts="${[...new Set(row.cells.map((c) => c.result?.verdict ?? 'none'))].join(' ')}" data-title="${row.title.toLowerCase()}">
        <th scope="row" class="sid"><code>${row.id}</code><div class="stitle">${row.title}</div></th>
        <td class="lvl">${levelBadge(row.level)}</td>
        ${row.cells.map(cell)}
      </tr>`,
    )}
  </tbody>`;
}

function filters(view: ReportView): Markup {
  const options = (values: string[]) => values.map((v) => html`<option value="${v}">${v}</option>`);
  return html`<form class="filters" id="matrix-filters" onsubmit="return false">
    <label>Search id or title <input type="search" id="f-search" placeholder="e.g. init.error" autocomplete="off"></label>
    <label>Area <select id="f-area"><option value="">all areas</option>${options(view.areas.map((a) => a.area))}</select></label>
    <label>Verdict <select id="f-verdict"><option value="">any verdict</option><option value="problems">fail, warn or error</option>${VERDICT_ORDER.map((v) => html`<option value="${v}">${VERDICT_VIEW[v].glyph} ${v}</option>`)}</select></label>
    <label>Level <select id="f-level"><option value="">all levels</option>${options(['MUST', 'SHOULD', 'MAY', 'INFO'])}</select></label>
    <output id="f-count" aria-live="polite"></output>
  </form>`;
}

function legend(): Markup {
  return html`<p class="legend">${VERDICT_ORDER.map((v) => html`${verdictBadge(v)} <span class="muted">${VERDICT_VIEW[v].meaning}</span> `)}</p>`;
}

export function matrixSection(view: ReportView): Markup {
  const scenarios = view.areas.reduce((n, a) => n + a.rows.length, 0);
  return html`<section id="matrix" class="overview">
    <h2>Conformance matrix</h2>
    <p class="muted">${scenarios} scenarios in ${view.areas.length} areas × ${view.lanes.length} runtime lane(s). Counts are per case (scenario × runtime), not per assertion. Click a cell for its evidence.</p>
    ${legend()}
    ${filters(view)}
    <div class="matrix-wrap"><table class="matrix" id="matrix-table">
      <thead><tr><th scope="col">Scenario</th><th scope="col">Level</th>${view.lanes.map(laneHeader)}</tr></thead>
      ${view.areas.map((a) => areaBody(a, view.lanes))}
    </table></div>
    <p id="f-empty" class="muted" hidden>No scenario matches these filters.</p>
  </section>`;
}
