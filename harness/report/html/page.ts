/** The whole report as one self-contained HTML file. */
import { reportAssets } from './assets.ts';
import { casePages } from './case-page.ts';
import type { ChartSpec } from './charts.ts';
import { glanceSection } from './glance.ts';
import { html, jsonScript, type Markup, trusted } from './markup.ts';
import { matrixSection } from './matrix.ts';
import { performanceSection } from './performance.ts';
import { runtimesSection } from './runtimes.ts';
import { historySection } from './trends.ts';
import { formatDate, type ReportView } from './view.ts';

function nav(view: ReportView, hasPerf: boolean, hasHistory: boolean, aboutMock: boolean): Markup {
  const links: Array<[string, string]> = [
    ['#glance', 'Overview'],
    ['#matrix', 'Matrix'],
    ...(hasPerf ? ([['#performance', 'Performance']] as Array<[string, string]>) : []),
    ...(hasHistory ? ([['#history', 'History']] as Array<[string, string]>) : []),
    ['#runtimes', 'Runtimes as run'],
    ...(aboutMock ? ([['about-the-mock.html', 'About the mock']] as Array<[string, string]>) : []),
  ];
  return html`<nav class="top"><span class="brand">bootspec</span>${links.map(([href, label]) => html`<a href="${href}">${label}</a>`)}<span class="muted right">${view.lanes.length} lane(s) · ${formatDate(view.history.newestAt)}</span></nav>`;
}

export function renderPage(view: ReportView, options: { aboutMock?: boolean } = {}): string {
  const assets = reportAssets();
  const charts: ChartSpec[] = [];
  const perf = performanceSection(view, charts);
  const history = historySection(view, charts);
  const versions = [...new Set(view.lanes.map((l) => l.current?.toolVersion).filter(Boolean))].join(', ');
  const title = `bootspec compliance report: ${view.lanes.map((l) => l.history.runtime).join(', ')}`;
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="bootspec ${versions}">
<title>${title}</title>
<style>${trusted(assets.css)}</style>
</head>
<body>
${nav(view, perf.text !== '', history.text !== '', options.aboutMock === true)}
<main>
<header class="overview page-head">
  <h1>Lambda custom runtime compliance</h1>
  <p class="muted">Generated ${formatDate(view.generatedAt)} by bootspec ${versions || '?'} from ${view.history.files.length} document(s); newest run ${formatDate(view.history.newestAt)}. Charts: Chart.js ${assets.chartLibraryVersion}, inlined.</p>
</header>
${glanceSection(view)}
${matrixSection(view)}
${perf}
${history}
${runtimesSection(view)}
${casePages(view)}
</main>
${jsonScript('bootspec-charts', charts)}
<script>${trusted(assets.chartLibrary)}</script>
<script>${trusted(assets.clientScript)}</script>
</body>
</html>
`;
  return page.text;
}
