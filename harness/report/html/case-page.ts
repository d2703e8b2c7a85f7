/**
 * One page per case (scenario × lane): requirement, level, its entry in the project's requirements, expected vs
 * actual, the recorded Runtime API exchange, the log tail and the command that reproduces it.
 * Shown by URL fragment (CSS :target), so it works from file:// without script.
 */
import type { ScenarioResult } from '../../suite/types.ts';
import { exchangesBlock, focusOf, logTailBlock } from './exchanges.ts';
import { html, type Markup } from './markup.ts';
import { levelBadge, verdictBadge } from './matrix.ts';
import { pageLink, requirementEntry, requirementHref, requirementRef } from './contract-docs.ts';
import { renderMarkdown } from './markdown-doc.ts';
import { type CellView, caseAnchor, formatDate, type ReportView, reproduceCommand, type ScenarioRow, VERDICT_VIEW } from './view.ts';

function expectedActual(r: ScenarioResult): Markup {
  if (r.expected === undefined && r.actual === undefined) return html``;
  return html`<div class="expected-actual">
    <div class="expected"><h4>Expected</h4><pre>${r.expected ?? '(not stated)'}</pre></div>
    <div class="actual"><h4>Actual</h4><pre>${r.actual ?? '(not stated)'}</pre></div>
  </div>`;
}

/**
 * The scenario's entry in docs/requirements.md, quoted, and a link to it in requirements.html beside
 * the report. The id decides, not the recorded `source`: older documents hold references a reader
 * of the report cannot follow.
 */
function source(view: ReportView, row: ScenarioRow): Markup {
  const entry = view.specText === undefined ? undefined : requirementEntry(view.specText, row.id);
  if (entry === undefined) return html`<dd>${requirementRef(row.id)} <span class="muted">(no entry in this version of the requirements)</span></dd>`;
  const quote = renderMarkdown(entry, { link: (href) => pageLink(href, 'requirements.html') });
  return html`<dd><a class="requirement-link" href="${requirementHref(row.id)}">${requirementRef(row.id)}</a><details class="spec" open><summary>The requirement, its sources and how bootspec judges it</summary><div class="spec-text requirement-entry">${quote}</div></details></dd>`;
}

/** This scenario on the other lanes, and in earlier runs of this lane. */
function elsewhere(row: ScenarioRow, here: CellView): Markup {
  const others = row.cells.filter((c) => c !== here && c.result);
  const past = here.lane.history.conformance
    .slice(0, -1)
    .map((s) => ({ at: s.at, r: s.run.results.find((x) => x.id === row.id) }))
    .filter((p): p is { at: string; r: ScenarioResult } => p.r !== undefined);
  return html`${others.length ? html`<h3>Same scenario on the other runtimes</h3><ul class="elsewhere">${others.map((c) => html`<li><a href="#${c.caseAnchor}">${verdictBadge((c.result as ScenarioResult).verdict)} ${c.lane.label}</a> <span class="muted">${(c.result as ScenarioResult).message}</span></li>`)}</ul>` : ''}
  ${past.length ? html`<h3>Earlier runs of this case</h3><ul class="elsewhere">${past.map((p) => html`<li>${formatDate(p.at)}: ${verdictBadge(p.r.verdict)} <span class="muted">${p.r.message}</span></li>`)}<li>${formatDate(here.lane.current?.at)}: ${verdictBadge((here.result as ScenarioResult).verdict)} <span class="muted">(this run)</span></li></ul>` : ''}`;
}

function evidence(r: ScenarioResult): Markup {
  if (!r.evidence) {
    const why = r.verdict === 'pass' ? 'No evidence is kept for a pass; run the command below to see the exchange.' : 'This verdict carries no recorded exchange.';
    return html`<p class="muted">${why}</p>`;
  }
  return html`<h3>Runtime API exchange</h3>${exchangesBlock(r.evidence.exchanges, focusOf(r.evidence.exchanges, `${r.expected ?? ''}\n${r.actual ?? ''}\n${r.message}`))}
    <h3>The runtime's output (last lines)</h3>${logTailBlock(r.evidence.logTail)}`;
}

function casePage(view: ReportView, row: ScenarioRow, c: CellView): Markup {
  const r = c.result as ScenarioResult;
  const lane = c.lane;
  const cmd = reproduceCommand(lane, row.id);
  return html`<section class="case v-${r.verdict}" id="${caseAnchor(lane, row.id)}" data-case="${row.id}" data-lane="${lane.key}">
    <nav class="crumbs"><a href="#matrix">← back to the matrix</a> <span class="muted">› ${row.area} › ${row.id} › ${lane.label}</span></nav>
    <header class="case-head">
      ${verdictBadge(r.verdict, 'big')}
      <div>
        <h2>${row.title}</h2>
        <p><code>${row.id}</code> ${levelBadge(row.level)} on <b>${lane.history.runtime}</b>${lane.clientVersion ? html` <span class="muted">(${lane.clientVersion})</span>` : ''} · driver ${lane.history.driver} · ${formatDate(lane.current?.at)}</p>
      </div>
    </header>
    <p class="why"><b>Why ${VERDICT_VIEW[r.verdict].word}:</b> ${r.message}</p>
    <dl class="requirement">
      <dt>Requirement</dt><dd class="sentence">${row.requirement}</dd>
      <dt>Level</dt><dd>${row.level}${row.level === 'MUST' ? ' (breaking it fails the runtime)' : row.level === 'SHOULD' ? ' (breaking it warns)' : ''}</dd>
      <dt>Source</dt>${source(view, row)}
      <dt>Took</dt><dd>${r.durationMs.toLocaleString('en-US')} ms</dd>
    </dl>
    ${expectedActual(r)}
    ${evidence(r)}
    <h3>Reproduce</h3>
    <div class="cmd"><code>${cmd}</code><button type="button" class="copy" data-copy="${cmd}">copy</button></div>
    ${elsewhere(row, c)}
  </section>`;
}

export function casePages(view: ReportView): Markup {
  const pages: Markup[] = [];
  for (const group of view.areas) {
    for (const row of group.rows) {
      for (const c of row.cells) {
        if (!c.result || (c.result.verdict === 'skip' && c.result.message.startsWith('not selected'))) continue;
        pages.push(casePage(view, row, c));
      }
    }
  }
  return html`<div id="cases">${pages}</div>`;
}
