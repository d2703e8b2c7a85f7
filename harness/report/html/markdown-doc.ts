/**
 * Markdown → HTML for the project's own docs (docs/requirements.md, docs/probe-contract.md), so that
 * a published report carries the contract its citations point at. Only what those documents use:
 * headings, paragraphs, flat lists, tables, fenced code, inline code, bold, links, and explicit
 * `<a id="…"></a>` anchors on their own line. Every piece of text is escaped; no raw HTML passes.
 */
import { escapeHtml, html, type Markup, trusted } from './markup.ts';

export interface MarkdownRenderOptions {
  /** Rewrites a link target (relative links between the docs become links between the pages). */
  link?: (href: string) => string;
}

const ANCHOR_LINE = /^<a id="([^"]+)"><\/a>\s*$/;
const HEADING = /^(#{1,6})\s+(.*)$/;
const LIST_ITEM = /^(?:[-*+]|\d+\.)\s+(.*)$/;
const TABLE_RULE = /^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;
/** ``code``, `code`, [text](href), **bold**: the inline forms the docs use. */
const INLINE = /``(.+?)``|`([^`]+)`|\[((?:[^\]`]|`[^`]*`)+)\]\(([^)\s]+)\)|\*\*(.+?)\*\*/g;

/** A GitHub-style heading id, for headings without an explicit anchor. */
export function headingSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .trim()
    .replace(/\s+/g, '-');
}

export function renderInline(text: string, options: MarkdownRenderOptions = {}): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    out += escapeHtml(text.slice(last, m.index));
    last = m.index + m[0].length;
    const [, dbl, code, label, href, bold] = m;
    if (dbl !== undefined || code !== undefined) out += `<code>${escapeHtml((dbl ?? code ?? '').trim())}</code>`;
    else if (label !== undefined && href !== undefined) out += `<a href="${escapeHtml(options.link ? options.link(href) : href)}">${renderInline(label, options)}</a>`;
    else out += `<b>${renderInline(bold ?? '', options)}</b>`;
  }
  return out + escapeHtml(text.slice(last));
}

const cells = (row: string) =>
  row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, '|'));

/** Lines of one block: the index after it, and its HTML. */
type Block = [next: number, html: string];

function fenced(lines: string[], i: number): Block {
  const body: string[] = [];
  let j = i + 1;
  while (j < lines.length && !(lines[j] ?? '').startsWith('```')) body.push(lines[j++] ?? '');
  return [j + 1, `<pre><code>${escapeHtml(body.join('\n'))}</code></pre>`];
}

function table(lines: string[], i: number, o: MarkdownRenderOptions): Block {
  const head = cells(lines[i] ?? '');
  let j = i + 2;
  const rows: string[][] = [];
  while (j < lines.length && (lines[j] ?? '').trim().startsWith('|')) rows.push(cells(lines[j++] ?? ''));
  const tr = (r: string[], tag: 'th' | 'td') => `<tr>${r.map((c) => `<${tag}>${renderInline(c, o)}</${tag}>`).join('')}</tr>`;
  return [j, `<table><thead>${tr(head, 'th')}</thead><tbody>${rows.map((r) => tr(r, 'td')).join('')}</tbody></table>`];
}

function list(lines: string[], i: number, o: MarkdownRenderOptions): Block {
  const ordered = /^\d+\./.test(lines[i] ?? '');
  const items: string[] = [];
  let j = i;
  while (j < lines.length) {
    const line = lines[j] ?? '';
    const item = LIST_ITEM.exec(line);
    if (item) items.push(item[1] ?? '');
    else if (/^\s{2,}\S/.test(line) && items.length) items[items.length - 1] += ` ${line.trim()}`;
    else break;
    j++;
  }
  const tag = ordered ? 'ol' : 'ul';
  return [j, `<${tag}>${items.map((t) => `<li>${renderInline(t, o)}</li>`).join('')}</${tag}>`];
}

function paragraph(lines: string[], i: number, o: MarkdownRenderOptions): Block {
  const text: string[] = [];
  let j = i;
  while (j < lines.length) {
    const line = lines[j] ?? '';
    if (!line.trim() || HEADING.test(line) || ANCHOR_LINE.test(line) || line.startsWith('```') || line.trim().startsWith('|') || (LIST_ITEM.test(line) && j > i)) break;
    text.push(line.trim());
    j++;
  }
  return [j, `<p>${renderInline(text.join(' '), o)}</p>`];
}

export function renderMarkdown(md: string, options: MarkdownRenderOptions = {}): Markup {
  const lines = md.replace(/\r\n/g, '\n').split('\n');
  const out: string[] = [];
  let anchored = false;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    const anchor = ANCHOR_LINE.exec(line);
    const heading = HEADING.exec(line);
    let block: Block;
    if (!line.trim()) {
      i++;
      continue;
    } else if (anchor) block = [i + 1, `<a id="${escapeHtml(anchor[1] ?? '')}"></a>`];
    else if (heading) {
      const level = (heading[1] ?? '#').length;
      const text = heading[2] ?? '';
      // An explicit anchor right above names the heading; a second id would only collide with it.
      const id = anchored ? '' : ` id="${escapeHtml(headingSlug(text))}"`;
      block = [i + 1, `<h${level}${id}>${renderInline(text, options)}</h${level}>`];
    } else if (line.startsWith('```')) block = fenced(lines, i);
    else if (line.trim().startsWith('|') && TABLE_RULE.test(lines[i + 1] ?? '')) block = table(lines, i, options);
    else if (LIST_ITEM.test(line)) block = list(lines, i, options);
    else block = paragraph(lines, i, options);
    anchored = anchor !== null;
    out.push(block[1]);
    i = block[0];
  }
  return trusted(out.join('\n'));
}

/** The text of the first `# ` heading, for a page title. */
export function documentTitle(md: string): string {
  return /^#\s+(.*)$/m.exec(md)?.[1]?.replace(/`/g, '') ?? 'bootspec';
}

/** A whole standalone page around rendered Markdown: no network, works from file://. */
export function markdownPage(md: string, options: MarkdownRenderOptions & { backTo?: string } = {}): string {
  const back = options.backTo ? html`<nav class="top"><a href="${options.backTo}">← back to the report</a></nav>` : html``;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${documentTitle(md)}</title>
<style>${trusted(DOC_CSS)}</style>
</head>
<body>
${back}
<main class="doc">
${renderMarkdown(md, options)}
</main>
</body>
</html>
`.text;
}

const DOC_CSS = `body{font:15px/1.55 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1f24;margin:0;background:#fff}
main.doc{max-width:60rem;margin:0 auto;padding:1rem 1.5rem 4rem}
nav.top{padding:.6rem 1.5rem;border-bottom:1px solid #d0d7de;background:#f6f8fa}
h1,h2,h3,h4{line-height:1.25;margin:1.6em 0 .5em}h2{border-bottom:1px solid #d0d7de;padding-bottom:.25em}
h3{font-size:1.05rem}code{font:.9em ui-monospace,SFMono-Regular,Menlo,monospace;background:#f2f4f7;padding:.1em .3em;border-radius:4px}
pre{background:#f6f8fa;padding:.8rem;overflow:auto;border-radius:6px}pre code{background:none;padding:0}
table{border-collapse:collapse;margin:.8em 0;display:block;overflow:auto}th,td{border:1px solid #d0d7de;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#f6f8fa}a{color:#0550ae}a[id]:target+h2,a[id]:target+h3{background:#fff8c5}
li{margin:.3em 0}`;
