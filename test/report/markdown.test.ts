/** The Markdown summary for CI: regressions first, totals, what else changed, failures; tables stay tables. */
import { describe, expect, it } from 'vitest';
import { loadHistory } from '../../harness/report/history.ts';
import { markdownSummary } from '../../harness/report/markdown.ts';
import { fixtureFiles } from './helpers.ts';

describe('markdown summary', () => {
  const md = markdownSummary(loadHistory(fixtureFiles().map((file) => ({ file }))), { htmlReport: 'reports/site/index.html' });

  it('puts regressions first: the headline, then the new failure before the performance regressions', () => {
    const lines = md.split('\n');
    expect(lines[0]).toBe('## bootspec: ▲ 1 new failure(s), 2 performance regression(s) · 2 of 4 runtime(s) fail a MUST');
    const failure = lines.findIndex((l) => l.includes('`context.malformed-context`'));
    const perf = lines.findIndex((l) => l.includes('latency 0 B mock p50'));
    const totals = lines.indexOf('### Totals');
    expect(failure).toBeGreaterThan(0);
    expect(perf).toBeGreaterThan(failure);
    expect(totals).toBeGreaterThan(perf);
    expect(lines[perf]).toMatch(/\+21\.\d%, 95% CI \+\d+\.\d% … \+\d+\.\d%/);
  });

  it('lists totals per runtime, fixes, and the failures with expected and actual', () => {
    expect(md).toMatch(/\| go-aws-lambda-go \| process \| 43 \| 2 \| 3 \| 0 \| 0 \| 1 \| 0 \|/);
    expect(md).toMatch(/\*\*Fixed:\*\* `trace\.per-invoke` \(node-plain · process\)/);
    expect(md).toMatch(/<details><summary>Failures now: 4 fail, 5 warn, 0 error<\/summary>/);
    expect(md).toMatch(/full report: reports\/site\/index\.html/);
  });

  it('keeps table cells from breaking the table', () => {
    const rows = md.split('\n').filter((l) => l.startsWith('| '));
    expect(rows.length).toBeGreaterThan(4);
    for (const row of rows) expect(row.replace(/\\\|/g, '').split('|').length, row).toBeGreaterThanOrEqual(5);
    expect(md).not.toMatch(/<script/i);
  });

  it('says so when there is nothing to compare with', () => {
    const single = markdownSummary(loadHistory(fixtureFiles().filter((f) => f.endsWith('results-2026-11-26.json')).map((file) => ({ file }))));
    expect(single.split('\n')[0]).toBe('## bootspec: no baseline to compare with · 2 of 4 runtime(s) fail a MUST');
  });
});
