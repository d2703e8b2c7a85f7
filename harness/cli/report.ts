import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { loadHistory, type ReportInput } from '../report/history.ts';
import type { ReportHistory } from '../report/history-types.ts';
import { writeHtmlReport } from '../report/html/index.ts';
import { markdownSummary } from '../report/markdown.ts';
import { usage } from './common.ts';

export const reportHelp = `bootspec report <results.json|bench.json>... --html DIR [--markdown F]

Builds the compliance report from results documents (bootspec run --json), bench documents
(bootspec bench --json) and nightly lane status (lanes.json), from one run or several dated ones.
Each runtime lane (runtime × driver) shows its newest run; older runs become its history, and the
newest is compared with the one before it (new failures, fixes, regressions).

  --html DIR       write DIR/index.html: one self-contained file (no network; works from file://)
  --markdown F     write a compact Markdown summary (CI step summary, PR comment); - for stdout
  --baseline F     a document to compare against, whatever its date (repeatable)
  --spec F         SPEC.md to quote on case pages (default: the project's, when found)
`;

export interface ReportOutputs {
  html?: string | undefined;
  markdown?: string | undefined;
  spec?: string | undefined;
}

/** Writes what `outputs` asks for; used by report, run and nightly. Returns the HTML file, if any. */
export function writeReports(history: ReportHistory, outputs: ReportOutputs): string | undefined {
  const htmlFile = outputs.html ? writeHtmlReport(history, outputs.html, outputs.spec ? { specFile: outputs.spec } : {}) : undefined;
  if (htmlFile) process.stderr.write(`bootspec: wrote ${htmlFile}\n`);
  if (outputs.markdown) {
    const text = markdownSummary(history, htmlFile ? { htmlReport: htmlFile } : {});
    if (outputs.markdown === '-') process.stdout.write(text);
    else {
      mkdirSync(dirname(outputs.markdown), { recursive: true });
      writeFileSync(outputs.markdown, text);
      process.stderr.write(`bootspec: wrote ${outputs.markdown}\n`);
    }
  }
  return htmlFile;
}

export async function reportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      html: { type: 'string' },
      markdown: { type: 'string' },
      baseline: { type: 'string', multiple: true },
      spec: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(reportHelp);
    return 0;
  }
  const baselines = values.baseline ?? [];
  if (positionals.length + baselines.length === 0) throw usage('name at least one results or bench document', 'bootspec run runtimes-under-test/node-plain --json r.json && bootspec report r.json --html reports/site');
  if (!values.html && !values.markdown) throw usage('say what to write: --html DIR and/or --markdown F', 'bootspec report r.json --html reports/site --markdown reports/summary.md');
  const inputs: ReportInput[] = [...baselines.map((file) => ({ file, options: { baseline: true } })), ...positionals.map((file) => ({ file }))];
  writeReports(loadHistory(inputs), { html: values.html, markdown: values.markdown, spec: values.spec });
  return 0;
}
