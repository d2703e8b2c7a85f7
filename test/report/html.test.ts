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

  it("quotes the scenario's entry in docs/requirements.md and links to requirements.html", () => {
    const docs = tempDir('bootspec-docs-');
    writeFileSync(
      join(docs, 'requirements.md'),
      '# R\n\n<a id="init.error.reported"></a>\n### `init.error.reported` · MUST · T\n\n**Requirement.** Post `/runtime/init/error` once.\n\n<a id="init.error.body"></a>\n### `init.error.body` · MUST · B\n\nThe body must be JSON.\n',
    );
    const html = renderHtmlReport(loadHistory(fixtureFiles().map((file) => ({ file }))), { docsDir: docs });
    expect(html).toContain('<a class="requirement-link" href="requirements.html#init.error.reported">docs/requirements.md#init.error.reported</a>');
    expect(html).toContain('<b>Requirement.</b> Post <code>/runtime/init/error</code> once.');
    expect(html).toContain('The body must be JSON.');
    expect(html).not.toContain('SPEC.md');
  });
});
