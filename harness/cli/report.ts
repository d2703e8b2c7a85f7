import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { buildHistory, loadDocuments, type ReportInput } from '../report/history.ts';
import type { ReportHistory } from '../report/history-types.ts';
import { readFidelity } from '../report/html/about-mock.ts';
import { writeHtmlReport } from '../report/html/index.ts';
import { markdownSummary } from '../report/markdown.ts';
import { usage } from './common.ts';

export const reportHelp = `bootspec report <results.json|bench.json>... --html DIR [--markdown F] [--fidelity F]

Builds the compliance report from results documents (bootspec run --json), bench documents
(bootspec bench --json) and nightly lane status (lanes.json), from one run or several dated ones.
Each runtime lane (runtime × driver) shows its newest run; older runs become its history, and the
newest is compared with the one before it (new failures, fixes, regressions).

  --html DIR       write DIR/index.html: one self-contained file (no network; works from file://),
                   and beside it requirements.html and probe-contract.html, the contract its
                   citations point at
  --markdown F     write a compact Markdown summary (CI step summary, PR comment); - for stdout
  --baseline F     a document to compare against, whatever its date (repeatable)
  --fidelity F     a bootspec fidelity --json document: adds about-the-mock.html (how far the mock
                   agrees with the AWS Runtime Interface Emulator) beside index.html

Results documents of one split (bootspec run --shard i/N) are merged into one run per runtime; a
missing shard's scenarios become errors that name it, and the exit status is 1. Bench documents of
one split (bootspec bench --shard i/N) are merged into one result, each phase from the shard that
measured it and the comparison gated again over all its figures; a missing shard's phases are
named, and the exit status is 1. Nightly shards' lanes.json are merged into one night.
`;

export interface ReportOutputs {
  html?: string | undefined;
  markdown?: string | undefined;
  /** A bootspec.fidelity.v1 document for the HTML report's "about the mock" page. */
  fidelity?: string | undefined;
}

/** Writes what `outputs` asks for; used by report, run and nightly. Returns the HTML file, if any. */
export function writeReports(history: ReportHistory, outputs: ReportOutputs): string | undefined {
  const htmlFile = outputs.html ? writeHtmlReport(history, outputs.html, outputs.fidelity ? { fidelity: readFidelity(outputs.fidelity) } : {}) : undefined;
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
      fidelity: { type: 'string' },
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
  if (values.fidelity && !values.html) throw usage('--fidelity adds a page to the HTML report: give --html DIR too', 'bootspec report r.json --fidelity fidelity.json --html reports/site');
  // Shards of one split are merged; a missing one is an error result per scenario and exit 1.
  const { docs, problems } = loadDocuments(inputs);
  writeReports(buildHistory(docs), { html: values.html, markdown: values.markdown, fidelity: values.fidelity });
  return problems.length > 0 ? 1 : 0;
}
