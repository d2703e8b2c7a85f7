/**
 * The project carries its own contract: every scenario has exactly one entry in docs/requirements.md,
 * nothing cites the team's private notes, and every link in docs/ can be followed by a reader of the
 * repository or of a published report (pinned, public, or to the other doc).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { headingSlug } from '../../harness/report/html/markdown-doc.ts';
import { loadCatalog } from '../../harness/suite/catalog.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCS = join(ROOT, 'docs');
const REQUIREMENTS = readFileSync(join(DOCS, 'requirements.md'), 'utf8');
const DOC_FILES = readdirSync(DOCS).filter((f) => f.endsWith('.md'));

interface Anchor {
  id: string;
  line: number;
  /** The first non-empty line after the anchor. */
  next: string;
}

function anchorsOf(md: string): Anchor[] {
  const lines = md.split('\n');
  const out: Anchor[] = [];
  lines.forEach((l, i) => {
    const m = /^<a id="([^"]+)"><\/a>\s*$/.exec(l);
    if (m?.[1]) out.push({ id: m[1], line: i + 1, next: lines.slice(i + 1).find((x) => x.trim()) ?? '' });
  });
  return out;
}

/** Every id a link may point at in a doc: explicit anchors and heading slugs. */
function targetsOf(md: string): Set<string> {
  const ids = new Set(anchorsOf(md).map((a) => a.id));
  for (const m of md.matchAll(/^#{1,6}\s+(.*)$/gm)) ids.add(headingSlug(m[1] ?? ''));
  return ids;
}

const catalog = await loadCatalog();
const scenarios = new Map(catalog.flatMap((a) => a.scenarios.map((s) => [s.meta.id, s.meta] as const)));

describe('docs/requirements.md', () => {
  const anchors = anchorsOf(REQUIREMENTS);

  it('has exactly one anchor for every scenario id in the catalog', () => {
    const count = (id: string) => anchors.filter((a) => a.id === id).length;
    const missing = [...scenarios.keys()].filter((id) => count(id) === 0);
    const doubled = [...scenarios.keys()].filter((id) => count(id) > 1);
    expect(missing, 'scenario ids without <a id="…"></a> in docs/requirements.md').toEqual([]);
    expect(doubled, 'scenario ids with more than one anchor').toEqual([]);
  });

  it('has only scenario and topic anchors, each unique', () => {
    const ids = anchors.map((a) => a.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i), 'anchor ids used twice').toEqual([]);
    // A topic anchor names a `## ` heading; any other anchor must be a scenario of the catalog.
    const stray = anchors.filter((a) => !a.next.startsWith('## ') && !scenarios.has(a.id)).map((a) => `${a.id} (line ${a.line})`);
    expect(stray, 'anchors that are neither a scenario id nor on a topic heading').toEqual([]);
    const topicsWithDots = anchors.filter((a) => a.next.startsWith('## ') && a.id.includes('.')).map((a) => a.id);
    expect(topicsWithDots, 'topic anchors must not look like scenario ids').toEqual([]);
  });

  it("heads each scenario entry with its id and its catalog level", () => {
    const wrong = anchors
      .filter((a) => scenarios.has(a.id))
      .filter((a) => {
        const level = scenarios.get(a.id)?.level ?? '';
        return !a.next.startsWith(`### \`${a.id}\` · ${level} · `);
      })
      .map((a) => `${a.id}: ${a.next}`);
    expect(wrong, 'entries whose heading is not "### `<id>` · <LEVEL> · <title>" with the level the scenario declares').toEqual([]);
  });
});

/** Text files under a folder, recursively (node_modules and build output left out). */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'build' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else if (/\.(ts|js|mjs|json|md|css|html|sh|c|h)$/.test(name)) out.push(path);
  }
  return out;
}

describe('citations stay inside the repository', () => {
  it('no project file under harness/, suites/, docs/, schemas/ or README.md names the private notes', () => {
    const files = [...['harness', 'suites', 'docs', 'schemas'].flatMap((d) => filesUnder(join(ROOT, d))), join(ROOT, 'README.md')];
    const offenders: string[] = [];
    for (const file of files) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/\b(SPEC|PROBE|STYLE)\.md\b/.test(line)) offenders.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim().slice(0, 120)}`);
        });
    }
    expect(offenders, 'cite docs/requirements.md#<anchor> or docs/probe-contract.md#<anchor> instead').toEqual([]);
  });
});

/** A link target is public and fixed: AWS documentation, or GitHub at a commit, a version tag, a pull request or an issue. */
function pinnedPublicLink(href: string): boolean {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:') return false;
  if (url.hostname === 'docs.aws.amazon.com' || url.hostname === 'aws.amazon.com') return true;
  if (url.hostname !== 'github.com') return false;
  const [, , , kind, ref] = url.pathname.split('/');
  if (kind === 'pull' || kind === 'issues') return /^\d+$/.test(ref ?? '');
  if (kind === 'commit') return /^[0-9a-f]{7,40}$/.test(ref ?? '');
  if (kind !== 'blob' && kind !== 'tree') return false;
  const commit = /^[0-9a-f]{7,40}$/.test(ref ?? '');
  const versionTag = /^[\w.-]*?v?\d+\.\d+(\.\d+)?([-.+][\w.]+)?$/.test(ref ?? '');
  return commit || versionTag;
}

describe('links in docs/', () => {
  const linksOf = (md: string) => {
    // Code spans and fenced blocks show text, not links.
    const text = md.replace(/```[\s\S]*?```/g, '').replace(/``.+?``|`[^`\n]+`/g, '');
    return [
      ...[...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? ''),
      ...[...text.matchAll(/<(https?:[^>\s]+)>/g)].map((m) => m[1] ?? ''),
      ...[...text.matchAll(/(?<![(<])\bhttps?:\/\/[^\s)>\]]+/g)].map((m) => m[0]),
    ];
  };

  it('accepts only pinned public links (checked on examples)', () => {
    expect(pinnedPublicLink('https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html')).toBe(true);
    expect(pinnedPublicLink('https://github.com/aws/aws-lambda-go/blob/815d21f4176907c97cc6a77465ece6a1d2bbbac4/lambda/invoke_loop.go')).toBe(true);
    expect(pinnedPublicLink('https://github.com/aws/aws-lambda-go/blob/v1.55.1/lambda/invoke_loop.go')).toBe(true);
    expect(pinnedPublicLink('https://github.com/aws/aws-lambda-go/blob/main/lambda/invoke_loop.go')).toBe(false);
    expect(pinnedPublicLink('https://github.com/aws/aws-lambda-go/tree/develop/lambda')).toBe(false);
    expect(pinnedPublicLink('http://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html')).toBe(false);
    expect(pinnedPublicLink('https://example.com/lambda')).toBe(false);
  });

  for (const file of DOC_FILES) {
    it(`${file}: every link is pinned and public, or to an anchor of the docs that exists`, () => {
      const md = readFileSync(join(DOCS, file), 'utf8');
      const bad: string[] = [];
      for (const href of linksOf(md)) {
        if (/^[a-z]+:/i.test(href)) {
          if (!pinnedPublicLink(href)) bad.push(`${href}: not https to docs.aws.amazon.com, or not GitHub at a commit, version tag, pull request or issue`);
          continue;
        }
        const [doc, fragment] = href.split('#');
        const target = doc ? doc : file;
        if (!DOC_FILES.includes(target)) {
          bad.push(`${href}: a relative link may only point at ${DOC_FILES.join(' or ')} (a report publishes nothing else)`);
          continue;
        }
        if (fragment && !targetsOf(readFileSync(join(DOCS, target), 'utf8')).has(fragment)) bad.push(`${href}: no such anchor in ${target}`);
      }
      expect(bad).toEqual([]);
    });
  }
});
