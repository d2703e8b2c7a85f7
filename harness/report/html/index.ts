/** `bootspec report --html DIR`: one self-contained index.html from results, bench and nightly documents. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReportHistory } from '../history-types.ts';
import { renderPage } from './page.ts';
import { findSpec } from './spec-excerpt.ts';
import { reportView } from './view.ts';

export interface HtmlReportOptions {
  /** SPEC.md to quote on case pages; by default the project's, when it is beside the checkout. */
  specFile?: string;
}

export function renderHtmlReport(history: ReportHistory, options: HtmlReportOptions = {}): string {
  return renderPage(reportView(history, findSpec(options.specFile)));
}

/** Writes DIR/index.html and returns its path. */
export function writeHtmlReport(history: ReportHistory, dir: string, options: HtmlReportOptions = {}): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'index.html');
  writeFileSync(file, renderHtmlReport(history, options));
  return file;
}
