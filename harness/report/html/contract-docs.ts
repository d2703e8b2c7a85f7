/**
 * The project's own contract, as a report shows it: each case page quotes its scenario's entry in
 * docs/requirements.md, and a published report carries requirements.html and probe-contract.html
 * beside index.html, so that every citation in it can be followed without the repository.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BootspecError, ErrorCodes } from '../../errors.ts';
import { markdownPage } from './markdown-doc.ts';

/** The docs/ folder of this package (the checkout, or the installed package). */
export const DOCS_DIR = fileURLToPath(new URL('../../../docs/', import.meta.url));

/** The documents a report publishes: source file in docs/ → page written beside index.html. */
export const CONTRACT_PAGES = [
  { doc: 'requirements.md', page: 'requirements.html' },
  { doc: 'probe-contract.md', page: 'probe-contract.html' },
] as const;

export type ContractDoc = (typeof CONTRACT_PAGES)[number]['doc'];

export function readContractDoc(doc: ContractDoc, dir: string = DOCS_DIR): string {
  const file = join(dir, doc);
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new BootspecError(ErrorCodes.DOCS_MISSING, `cannot read ${file}: ${(err as Error).message}`, {
      hint: 'the report quotes the docs/ folder shipped with bootspec; reinstall bootspec or restore docs/ in the checkout',
    });
  }
}

/** Where a scenario's requirement is cited: its entry in the project's requirements. */
export const requirementRef = (id: string): string => `docs/requirements.md#${id}`;
/** The same entry in a published report (a page beside index.html). */
export const requirementHref = (id: string): string => `requirements.html#${id}`;

/** A relative link between the docs becomes a link between the published pages. */
export function pageLink(href: string, fromPage = ''): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href)) return href;
  if (href.startsWith('#')) return `${fromPage}${href}`;
  const pair = CONTRACT_PAGES.find((p) => href === p.doc || href.startsWith(`${p.doc}#`));
  return pair ? pair.page + href.slice(pair.doc.length) : href;
}

const anchorLine = (id: string) => `<a id="${id}"></a>`;

/**
 * The Markdown of one scenario's entry: from its anchor to the next anchor or heading of a topic,
 * without the entry's own heading (a case page shows id, level and title already). Undefined when
 * the requirements have no entry for the id (a scenario of an older bootspec).
 */
export function requirementEntry(requirements: string, id: string): string | undefined {
  const lines = requirements.split('\n');
  const start = lines.findIndex((l) => l.trim() === anchorLine(id));
  if (start < 0) return undefined;
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^<a id="/.test(line) || /^#{1,2}\s/.test(line)) break;
    if (/^#{3,}\s/.test(line) && body.every((l) => !l.trim())) continue;
    if (/^#{3,}\s/.test(line)) break;
    body.push(line);
  }
  const text = body.join('\n').trim();
  return text || undefined;
}

/** Writes requirements.html and probe-contract.html into `dir`; returns their paths. */
export function writeContractPages(dir: string, docsDir: string = DOCS_DIR): string[] {
  return CONTRACT_PAGES.map(({ doc, page }) => {
    const file = join(dir, page);
    writeFileSync(file, markdownPage(readContractDoc(doc, docsDir), { link: (href) => pageLink(href), backTo: 'index.html' }));
    return file;
  });
}
