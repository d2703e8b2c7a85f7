/** Runtime metadata exactly as run: manifest, client version, build digest, driver, image, host, bootspec. */
import { html, type Markup } from './markup.ts';
import { formatDate, formatNumber, type LaneView, type ReportView, runtimeDirForCommand } from './view.ts';

function baseImage(lane: LaneView): string {
  const rt = lane.current?.run.runtime;
  const image = rt?.baseImage ?? rt?.image;
  if (image) return image;
  const os = lane.current?.host?.os;
  return lane.history.driver === 'process' ? `none: the process driver runs the bootstrap on the host${os ? ` (${os})` : ''}` : 'not recorded';
}

function row(label: string, value: Markup | string): Markup {
  return html`<tr><th scope="row">${label}</th><td>${value}</td></tr>`;
}

function laneTable(lane: LaneView): Markup {
  const s = lane.current;
  const run = s?.run;
  const host = s?.host;
  const bench = lane.bench;
  return html`<article class="runtime-meta" id="runtime-L${lane.index}">
    <h3>${lane.label} <span class="muted">(driver ${lane.history.driver})</span></h3>
    <table class="meta">
      ${row('Description', run?.runtime.description ?? '—')}
      ${row('Client and version', lane.clientVersion || 'not stated in runtime.json')}
      ${row('User-Agent seen by the Runtime API', lane.userAgent ? html`<code>${lane.userAgent}</code>` : html`<span class="muted">no exchange recorded</span>`)}
      ${row('Runtime folder', html`<code>${run ? runtimeDirForCommand(run.runtime.dir) : '—'}</code>`)}
      ${row('Build digest', run?.runtime.buildKey ? html`<code>${run.runtime.buildKey}</code>` : html`<span class="muted">no build step</span>`)}
      ${row('Driver', lane.history.driver)}
      ${row('Base image', baseImage(lane))}
      ${row('Path fidelity', run ? (run.runtime.pathFidelity ? '/var/task, /opt, /tmp at their real paths (bubblewrap)' : 'no: paths are host folders') : '—')}
      ${row('Features claimed', run?.runtime.features.length ? run.runtime.features.join(', ') : 'none')}
      ${row('Host', host ? html`${host.os}, kernel ${host.kernel}, ${host.arch}, ${host.cpus} × ${host.cpuModel ?? 'cpu'}, ${formatNumber(host.memoryMb)} MB, node ${host.node ?? '?'} <span class="muted">fingerprint</span> <code>${host.fingerprint}</code>` : 'not recorded')}
      ${row('bootspec', s ? `${s.toolVersion}${s.strict ? ' (--strict)' : ''}` : '—')}
      ${row('Run', s && run ? `${formatDate(run.startedAt)}, ${formatNumber(run.durationMs / 1000)} s` : '—')}
      ${row('Results file', s ? html`<code>${s.file}</code>` : '—')}
      ${row('Bench file', bench ? html`<code>${bench.file}</code> <span class="muted">${formatDate(bench.at)}</span>` : html`<span class="muted">no bench results</span>`)}
      ${bench?.figures.host ? row('Bench host', html`<code>${JSON.stringify(bench.figures.host)}</code>`) : ''}
    </table>
    <details class="manifest"><summary>runtime.json as run${run?.manifestSha256 ? html` <span class="muted">sha256 <code>${run.manifestSha256.slice(0, 16)}…</code></span>` : ''}</summary>
      <pre>${run?.manifest === undefined ? '(not recorded: a results document from before bootspec recorded it)' : run.manifest === null ? '(no runtime.json: a bare bootstrap folder)' : typeof run.manifest === 'string' ? run.manifest : JSON.stringify(run.manifest, null, 2)}</pre>
    </details>
  </article>`;
}

export function runtimesSection(view: ReportView): Markup {
  return html`<section id="runtimes" class="overview">
    <h2>Runtimes as run</h2>
    <div class="runtime-grid">${view.lanes.map(laneTable)}</div>
  </section>`;
}
