/** The HTML report as text: self-contained, runtime output escaped, every case reachable. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadHistory } from '../../harness/report/history.ts';
import { renderHtmlReport } from '../../harness/report/html/index.ts';
import { FIXTURES, fixtureFiles, tempDir } from './helpers.ts';

describe('html report', () => {
  const page = renderHtmlReport(loadHistory(fixtureFiles().map((file) => ({ file }))));

  it('needs nothing from the network: no external scripts, styles, images or fonts', () => {
    expect(page).not.toMatch(/<script[^>]+src=/i);
    expect(page).not.toMatch(/<link[^>]+href=/i);
    expect(page).not.toMatch(/<img[^>]+src="?https?:/i);
    expect(page).not.toMatch(/url\(\s*["']?https?:/i);
    expect(page).not.toMatch(/@import/);
    expect(page).not.toMatch(/sourceMappingURL/);
    expect(page).toContain('Chart.js v4');
  });

  it('has a case page for every verdict cell, linked from the matrix', () => {
    const cells = [...page.matchAll(/<td class="cell v-\w+" data-verdict="\w+"><a href="#([^"]+)"/g)].map((m) => m[1]);
    expect(cells).toHaveLength(4 * 49);
    for (const anchor of cells) expect(page).toContain(`id="${anchor}"`);
  });

  it('escapes whatever a runtime sent or printed', () => {
    const file = join(tempDir('bootspec-xss-'), 'r.json');
    const doc = JSON.parse(readFileSync(join(FIXTURES, 'results-2026-11-26.json'), 'utf8')) as { runs: Array<{ results: Array<{ verdict: string; evidence?: { logTail: string[]; exchanges: Array<{ requestBody: string }> } }> }> };
    const failing = doc.runs[2]?.results.find((r) => r.verdict === 'warn' && r.evidence?.exchanges.length);
    if (!failing?.evidence) throw new Error('fixture has no warn with exchanges');
    failing.evidence.logTail.push('stdout | </pre><script>alert(1)</script>');
    (failing.evidence.exchanges[0] as { requestBody: string }).requestBody = '"><img src=x onerror=alert(2)>';
    writeFileSync(file, JSON.stringify(doc));
    const html = renderHtmlReport(loadHistory([{ file }]));
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
  });

  it('quotes the SPEC.md text a case cites, when SPEC.md is beside the checkout', () => {
    const spec = join(tempDir('bootspec-spec-'), 'SPEC.md');
    writeFileSync(spec, '## 1. Runtime API\n\n### 1.6 POST `/runtime/init/error`\n\nThe runtime must exit after reporting.\n\n## 12. Checks\n\n### A. Startup & init\n\n4. **MUST** on an init failure POST `/runtime/init/error`.\n5. **MUST NOT** call it twice.\n');
    const html = renderHtmlReport(loadHistory(fixtureFiles().map((file) => ({ file }))), { specFile: spec });
    expect(html).toContain('SPEC.md §12.A.4: A. Startup &#38; init');
    expect(html).toContain('4. **MUST** on an init failure POST `/runtime/init/error`.');
    expect(html).not.toContain('5. **MUST NOT** call it twice.');
  });
});
