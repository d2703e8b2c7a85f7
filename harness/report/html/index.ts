/**
 * `bootspec report --html DIR`: index.html, one self-contained file from results, bench and nightly
 * documents, with requirements.html and probe-contract.html beside it, so that every citation in
 * the report can be followed from the published folder alone.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReportHistory } from '../history-types.ts';
import { type FidelitySummary, writeAboutMockPage } from './about-mock.ts';
import { DOCS_DIR, readContractDoc, writeContractPages } from './contract-docs.ts';
import { renderPage } from './page.ts';
import { reportView } from './view.ts';

export interface HtmlReportOptions {
  /** The folder holding requirements.md and probe-contract.md; by default this package's docs/. */
  docsDir?: string;
  /** A fidelity run (bootspec fidelity --json): adds the "about the mock" page beside index.html. */
  fidelity?: FidelitySummary;
}

export function renderHtmlReport(history: ReportHistory, options: HtmlReportOptions = {}): string {
  // The view's specText is the requirements document the case pages quote.
  return renderPage(reportView(history, readContractDoc('requirements.md', options.docsDir ?? DOCS_DIR)), { aboutMock: options.fidelity !== undefined });
}

/** Writes DIR/index.html and the contract pages beside it; returns the path of index.html. */
export function writeHtmlReport(history: ReportHistory, dir: string, options: HtmlReportOptions = {}): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'index.html');
  writeFileSync(file, renderHtmlReport(history, options));
  writeContractPages(dir, options.docsDir ?? DOCS_DIR);
  if (options.fidelity) writeAboutMockPage(dir, options.fidelity);
  return file;
}
