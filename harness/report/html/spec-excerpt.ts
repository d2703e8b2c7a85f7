/**
 * The SPEC.md text a scenario's `source` points at ("SPEC.md §1.6, §12.A.4"), quoted on its case
 * page so a runtime author reads the rule without leaving the report.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface SpecExcerpt {
  ref: string;
  heading: string;
  text: string;
}

const MAX_EXCERPT = 1400;

/** SPEC.md beside the checkout (the project's shared folder) or at the checkout's root, if present. */
export function findSpec(explicit?: string): string | undefined {
  const candidates = explicit ? [explicit] : ['../../../../shared/SPEC.md', '../../../SPEC.md'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  const file = candidates.find((f) => existsSync(f));
  return file ? readFileSync(file, 'utf8') : undefined;
}

/** `§1.6`, `§12.A.4` and `§12.D.19–20` (the first of a range) after "SPEC.md" in a source string. */
export function specRefs(source: string): string[] {
  const refs: string[] = [];
  for (const part of source.split(';')) {
    if (!part.includes('SPEC.md')) continue;
    for (const m of part.matchAll(/§(\d+(?:\.[A-Z0-9]+)*)/g)) if (m[1] && !refs.includes(m[1])) refs.push(m[1]);
  }
  return refs;
}

function clip(text: string): string {
  const t = text.trim();
  return t.length > MAX_EXCERPT ? `${t.slice(0, MAX_EXCERPT).replace(/\s+\S*$/, '')} …` : t;
}

/** The lines from a heading to the next heading of the same or a higher level. */
function section(lines: string[], start: number, level: number): string {
  const out: string[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const h = /^(#+)\s/.exec(lines[i] ?? '');
    if (h?.[1] && h[1].length <= level) break;
    out.push(lines[i] ?? '');
  }
  return out.join('\n');
}

/** A numbered item of a §12 check list: "4. **MUST** …" up to the next item. */
function listItem(body: string, n: string): string | undefined {
  const lines = body.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`${n}. `));
  if (start < 0) return undefined;
  const out = [lines[start] ?? ''];
  for (const l of lines.slice(start + 1)) {
    if (/^\d+\. /.test(l) || /^#/.test(l)) break;
    out.push(l);
  }
  return out.join('\n');
}

export function excerpt(spec: string, ref: string): SpecExcerpt | undefined {
  const lines = spec.split('\n');
  const [major, minor, item] = ref.split('.');
  if (minor && /^[A-Z]$/.test(minor)) {
    const top = lines.findIndex((l) => l.startsWith(`## ${major}.`));
    const sub = lines.findIndex((l, i) => i > top && l.startsWith(`### ${minor}.`));
    if (top < 0 || sub < 0) return undefined;
    const body = section(lines, sub, 3);
    const text = item ? listItem(body, item) : body;
    return text ? { ref, heading: (lines[sub] ?? '').replace(/^#+\s*/, ''), text: clip(text) } : undefined;
  }
  const prefix = minor ? `### ${major}.${minor} ` : `## ${major}. `;
  const at = lines.findIndex((l) => l.startsWith(prefix));
  if (at < 0) return undefined;
  return { ref, heading: (lines[at] ?? '').replace(/^#+\s*/, ''), text: clip(section(lines, at, minor ? 3 : 2)) };
}

export function excerptsFor(spec: string | undefined, source: string): SpecExcerpt[] {
  if (!spec) return [];
  // A §12 check-list item is the most precise quote: it comes first, open.
  const precise = (r: string) => (/^\d+\.[A-Z]\.\d+$/.test(r) ? 0 : 1);
  return specRefs(source)
    .sort((a, b) => precise(a) - precise(b))
    .map((r) => excerpt(spec, r))
    .filter((e): e is SpecExcerpt => e !== undefined);
}
