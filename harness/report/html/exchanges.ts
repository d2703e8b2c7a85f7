/** The recorded Runtime API exchanges of a case, and the runtime's log tail, as a reader needs them. */
import type { ExchangeEvidence } from '../../suite/types.ts';
import { html, type Markup } from './markup.ts';

function statusClass(e: ExchangeEvidence): string {
  if (e.status === 0) return 'st-none';
  if (e.status >= 500) return 'st-5xx';
  if (e.status >= 400) return 'st-4xx';
  return 'st-ok';
}

function statusText(e: ExchangeEvidence): string {
  if (e.status !== 0) return String(e.status);
  return e.clientAborted ? 'abandoned by the runtime' : 'no answer';
}

/** Header names the verdict talks about (named in expected or actual): highlighted where they occur. */
export interface Focus {
  names: Set<string>;
  /** Named headers the runtime should have sent on its POSTs, shown as absent where missing. */
  expectedOnPost: string[];
}

export function focusOf(exchanges: ExchangeEvidence[], text: string): Focus {
  const lower = text.toLowerCase();
  const all = new Set(exchanges.flatMap((e) => [...Object.keys(e.requestHeaders), ...Object.keys(e.responseHeaders)].map((k) => k.toLowerCase())));
  const names = new Set([...all].filter((n) => n.includes('-') && lower.includes(n)));
  return { names, expectedOnPost: [...names].filter((n) => lower.includes(`${n}: (absent)`)) };
}

function headers(h: Record<string, string>, focus: Focus, absent: string[] = []): Markup {
  const entries = Object.entries(h);
  const missing = absent.filter((n) => !entries.some(([k]) => k.toLowerCase() === n));
  if (!entries.length && !missing.length) return html`<p class="muted">(no headers)</p>`;
  return html`<table class="headers">${entries.map(([k, v]) => html`<tr${focus.names.has(k.toLowerCase()) ? html` class="focus"` : ''}><th>${k}</th><td><code>${v}</code></td></tr>`)}${missing.map((n) => html`<tr class="focus absent"><th>${n}</th><td>(absent)</td></tr>`)}</table>`;
}

function body(text: string, bytes: number): Markup {
  if (bytes === 0) return html`<p class="muted">(empty body)</p>`;
  const cut = bytes > Buffer.byteLength(text) ? html` <span class="muted">(first ${Buffer.byteLength(text).toLocaleString('en-US')} of ${bytes.toLocaleString('en-US')} bytes)</span>` : html` <span class="muted">(${bytes.toLocaleString('en-US')} bytes)</span>`;
  return html`<pre class="body">${text}</pre>${cut}`;
}

/** A bar placing the request in the scenario's timeline, so overlaps and gaps are visible. */
function timelineBar(e: ExchangeEvidence, t0: number, span: number): Markup {
  const left = span > 0 ? ((e.startedAt - t0) / span) * 100 : 0;
  const width = span > 0 ? Math.max(0.8, (e.durationMs / span) * 100) : 100;
  return html`<span class="tl" aria-hidden="true"><span class="tl-bar ${statusClass(e)}" style="left:${left.toFixed(2)}%;width:${Math.min(width, 100 - left).toFixed(2)}%"></span></span>`;
}

/** Requests that carry the verdict's evidence open by themselves: errors, and those with the named headers. */
function worthOpening(e: ExchangeEvidence, focus: Focus): boolean {
  if (e.status === 0 || e.status >= 400) return true;
  const names = [...Object.keys(e.requestHeaders), ...Object.keys(e.responseHeaders)].map((k) => k.toLowerCase());
  return names.some((n) => focus.names.has(n)) || (e.method === 'POST' && focus.expectedOnPost.length > 0);
}

export function exchangesBlock(exchanges: ExchangeEvidence[], focus: Focus = { names: new Set(), expectedOnPost: [] }): Markup {
  if (!exchanges.length) {
    return html`<p class="notice">The runtime made no Runtime API request during this scenario (that absence is the evidence).</p>`;
  }
  const t0 = Math.min(...exchanges.map((e) => e.startedAt));
  const span = Math.max(...exchanges.map((e) => e.startedAt + e.durationMs)) - t0;
  const generations = new Set(exchanges.map((e) => e.generation)).size;
  return html`<p class="muted">${exchanges.length} request(s) over ${span.toLocaleString('en-US')} ms${generations > 1 ? html`, across ${generations} runtime processes (gen = which start of the runtime)` : ''}. Open a row for headers and bodies.</p>
  <div class="exchanges">
    <div class="ex-head" aria-hidden="true"><span>#</span><span>at</span><span>request</span><span>status</span><span>took</span><span>gen</span><span>timeline</span></div>
    ${exchanges.map(
      (e, i) => html`<details class="exchange ${statusClass(e)}"${worthOpening(e, focus) ? html` open` : ''}>
        <summary><span>${i + 1}</span><span>+${(e.startedAt - t0).toLocaleString('en-US')} ms</span><span class="req"><b>${e.method}</b> <code>${e.path}</code></span><span class="status ${statusClass(e)}">${statusText(e)}</span><span>${e.durationMs.toLocaleString('en-US')} ms</span><span>${e.generation}</span>${timelineBar(e, t0, span)}</summary>
        <div class="ex-detail">
          <div><h5>Request from the runtime</h5>${headers(e.requestHeaders, focus, e.method === 'POST' ? focus.expectedOnPost : [])}${body(e.requestBody, e.requestBodyBytes)}</div>
          <div><h5>Answer of the mock Runtime API</h5>${headers(e.responseHeaders, focus)}${body(e.responseBody, e.responseBodyBytes)}</div>
        </div>
      </details>`,
    )}
  </div>`;
}

function lineClass(line: string): string {
  if (line.startsWith('stderr |')) return 'log-stderr';
  if (line.startsWith('stdout |')) return 'log-stdout';
  if (/^(START|END|REPORT|INIT_START|INIT_REPORT|RESTORE|EXTENSION|TELEMETRY)\b/.test(line)) return 'log-platform';
  return '';
}

export function logTailBlock(lines: string[]): Markup {
  if (!lines.length) return html`<p class="muted">The runtime wrote nothing during this scenario.</p>`;
  return html`<pre class="log">${lines.map((l) => html`<span class="${lineClass(l)}">${l}</span>\n`)}</pre>
  <p class="muted legend-log"><span class="log-stderr">stderr</span> · <span class="log-stdout">stdout</span> · <span class="log-platform">platform lines (written by the harness, as Lambda does)</span></p>`;
}
