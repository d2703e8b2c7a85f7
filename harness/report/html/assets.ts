/**
 * What the page inlines: the stylesheet and client script from templates/ beside this file, and
 * Chart.js read from node_modules at report time. Nothing is fetched when the page is opened
 * (file:// or any host).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const TEMPLATES = new URL('./templates/', import.meta.url);

export interface ReportAssets {
  css: string;
  clientScript: string;
  chartLibrary: string;
  chartLibraryVersion: string;
}

/** Script text safe inside <script>: no "</script" can end the element early; no source map to fetch. */
function inlineScript(text: string): string {
  return text.replace(/<\/(script)/gi, '<\\/$1').replace(/\n\/\/# sourceMappingURL=.*$/m, '');
}

function chartJs(): { text: string; version: string } {
  const require = createRequire(import.meta.url);
  const main = require.resolve('chart.js');
  const pkg = JSON.parse(readFileSync(join(dirname(main), '..', 'package.json'), 'utf8')) as { version: string };
  return { text: readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8'), version: pkg.version };
}

let cached: ReportAssets | undefined;

export function reportAssets(): ReportAssets {
  if (cached) return cached;
  const chart = chartJs();
  cached = {
    css: readFileSync(new URL('report.css', TEMPLATES), 'utf8'),
    clientScript: inlineScript(readFileSync(new URL('report.js', TEMPLATES), 'utf8')),
    chartLibrary: inlineScript(chart.text),
    chartLibraryVersion: chart.version,
  };
  return cached;
}
