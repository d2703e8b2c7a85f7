/**
 * A published report carries the contract its citations point at: requirements.html with an anchor
 * for every scenario, probe-contract.html, and a case page per cell that links to its requirement.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requirementEntry } from '../../harness/report/html/contract-docs.ts';
import { writeHtmlReport } from '../../harness/report/html/index.ts';
import { renderMarkdown } from '../../harness/report/html/markdown-doc.ts';
import { loadHistory } from '../../harness/report/history.ts';
import { loadCatalog } from '../../harness/suite/catalog.ts';
import { fixtureFiles, tempDir } from './helpers.ts';

const catalog = await loadCatalog();
const ids = catalog.flatMap((a) => a.scenarios.map((s) => s.meta.id));

describe('the contract pages of an HTML report', () => {
  const dir = tempDir('bootspec-report-docs-');
  const index = readFileSync(writeHtmlReport(loadHistory(fixtureFiles().map((file) => ({ file }))), dir), 'utf8');
  const requirements = readFileSync(join(dir, 'requirements.html'), 'utf8');

  it('writes requirements.html and probe-contract.html beside index.html', () => {
    expect(existsSync(join(dir, 'probe-contract.html'))).toBe(true);
    expect(readFileSync(join(dir, 'probe-contract.html'), 'utf8')).toContain('<a id="verdicts"></a>');
    expect(requirements).toMatch(/^<!doctype html>/);
  });

  it('has an anchor in requirements.html for every scenario id', () => {
    const missing = ids.filter((id) => !requirements.includes(`<a id="${id}"></a>`));
    expect(missing).toEqual([]);
  });

  it('links every case page to its scenario in requirements.html, whatever source the document recorded', () => {
    const cases = [...index.matchAll(/<section class="case[^"]*" id="[^"]+" data-case="([^"]+)"[\s\S]*?<\/section>/g)];
    expect(cases.length).toBeGreaterThan(100);
    for (const [page, id] of cases) expect(page, `case page of ${id}`).toContain(`href="requirements.html#${id}"`);
    // The fixtures recorded sources from before the contract was in the repository: none may show.
    expect(index).not.toMatch(/\b(SPEC|PROBE)\.md\b/);
  });

  it('keeps the pages self-contained and links between them', () => {
    for (const page of [requirements, readFileSync(join(dir, 'probe-contract.html'), 'utf8')]) {
      expect(page).not.toMatch(/<script|<link[^>]+href=|<img/i);
      expect(page).not.toMatch(/href="(?!https?:)[^"]*\.md(#[^"]*)?"/);
    }
    expect(requirements).toContain('href="probe-contract.html#');
  });
});

describe('quoting and rendering the docs', () => {
  it("takes one scenario's entry: up to the next anchor, without its heading", () => {
    const md = '## T\n\n<a id="a.one"></a>\n### `a.one` · MUST · One\n\n**Requirement.** first\n\n<a id="a.two"></a>\n### `a.two` · SHOULD · Two\n\nsecond\n';
    expect(requirementEntry(md, 'a.one')).toBe('**Requirement.** first');
    expect(requirementEntry(md, 'a.two')).toBe('second');
    expect(requirementEntry(md, 'a.three')).toBeUndefined();
  });

  it('renders the constructs the docs use and escapes everything else', () => {
    const md = [
      '<a id="t"></a>',
      '## Title `x<y>`',
      '',
      'A [link `code`](probe-contract.md#verdicts) and **bold** <script>alert(1)</script>.',
      '',
      '- one',
      '  continued',
      '- two',
      '',
      '| a | b |',
      '|---|---|',
      '| `c\\|d` | e |',
      '',
      '```',
      '<b>raw</b>',
      '```',
    ].join('\n');
    const out = renderMarkdown(md, { link: (h) => h.replace('.md', '.html') }).text;
    expect(out).toContain('<a id="t"></a>\n<h2>Title <code>x&#60;y&#62;</code></h2>');
    expect(out).toContain('<a href="probe-contract.html#verdicts">link <code>code</code></a> and <b>bold</b> &#60;script&#62;');
    expect(out).toContain('<ul><li>one continued</li><li>two</li></ul>');
    expect(out).toContain('<td><code>c|d</code></td><td>e</td>');
    expect(out).toContain('<pre><code>&#60;b&#62;raw&#60;/b&#62;</code></pre>');
    expect(out).not.toContain('<script>');
  });
});
