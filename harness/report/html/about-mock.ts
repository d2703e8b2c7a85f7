/**
 * The report's "about the mock" page: how far the mock's answers agree with the AWS Runtime Interface
 * Emulator (RAPID), from a `bootspec fidelity --json` document, so a reader can see how far to trust
 * the verdicts. Written beside index.html as about-the-mock.html.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BootspecError, ErrorCodes } from '../../errors.ts';
import { markdownPage } from './markdown-doc.ts';

export const ABOUT_MOCK_PAGE = 'about-the-mock.html';

/** What the page shows of a bootspec.fidelity.v1 document. */
export interface FidelitySummary {
  emulatorVersion: string;
  seed: number;
  fuzzSeconds: number;
  corpus: { conversations: number; agreeing: number; explained: number; share: number };
  fuzz: { conversations: number; agreeing: number; reproducers: number };
  divergences: { total: number; deliberate: number; unlisted: number };
  /** Deliberate differences by entry id, with how many divergences each explains. */
  deliberate: { id: string; count: number }[];
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function readFidelity(file: string): FidelitySummary {
  const bad = (msg: string, cause?: unknown) =>
    new BootspecError(ErrorCodes.USAGE, `${file}: ${msg}`, { hint: 'pass the file written by `bootspec fidelity --json F`', ...(cause ? { cause } : {}) });
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw bad(`cannot be read as JSON: ${(err as Error).message}`, err);
  }
  if (doc?.schema !== 'bootspec.fidelity.v1') throw bad(`schema is ${JSON.stringify(doc?.schema)}, not "bootspec.fidelity.v1"`);
  const corpus = doc.corpus as Record<string, unknown> | undefined;
  const fuzz = doc.fuzz as Record<string, unknown> | undefined;
  const div = doc.divergences as Record<string, unknown> | undefined;
  const emulator = doc.emulator as Record<string, unknown> | undefined;
  const nums = [corpus?.conversations, corpus?.agreeing, corpus?.explained, corpus?.share, div?.total, div?.deliberate, div?.unlisted];
  if (!nums.every(isNum) || typeof emulator?.version !== 'string') throw bad('needs emulator.version, corpus.{conversations,agreeing,explained,share} and divergences.{total,deliberate,unlisted}');
  const counts = new Map<string, number>();
  for (const r of Array.isArray(doc.results) ? (doc.results as { divergences?: { consequent?: boolean; explanation?: { kind?: string; id?: string } }[] }[]) : []) {
    for (const d of r.divergences ?? []) {
      if (d.consequent || d.explanation?.kind !== 'deliberate' || typeof d.explanation.id !== 'string') continue;
      counts.set(d.explanation.id, (counts.get(d.explanation.id) ?? 0) + 1);
    }
  }
  const c = corpus as Record<string, number>;
  const f = (fuzz ?? {}) as Record<string, unknown>;
  const d = div as Record<string, number>;
  return {
    emulatorVersion: emulator.version,
    seed: isNum(doc.seed) ? doc.seed : 0,
    fuzzSeconds: isNum(doc.fuzzSeconds) ? doc.fuzzSeconds : 0,
    corpus: { conversations: c.conversations ?? 0, agreeing: c.agreeing ?? 0, explained: c.explained ?? 0, share: c.share ?? 0 },
    fuzz: { conversations: isNum(f.conversations) ? f.conversations : 0, agreeing: isNum(f.agreeing) ? f.agreeing : 0, reproducers: Array.isArray(f.reproducers) ? f.reproducers.length : 0 },
    divergences: { total: d.total ?? 0, deliberate: d.deliberate ?? 0, unlisted: d.unlisted ?? 0 },
    deliberate: [...counts].map(([id, count]) => ({ id, count })).sort((a, b) => b.count - a.count || a.id.localeCompare(b.id)),
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

export function aboutMockMarkdown(s: FidelitySummary): string {
  const verdict =
    s.divergences.unlisted === 0
      ? 'Every difference found is deliberate, listed with its reason and evidence.'
      : `**${s.divergences.unlisted} difference(s) are not explained**: the mock differs from RAPID there, and verdicts that rely on those answers deserve less trust.`;
  return [
    '# About the mock',
    '',
    'bootspec judges runtimes against its own mock of the Lambda Runtime API. `bootspec fidelity` sends the same runtime-side conversations (a corpus, then seeded generated ones) to the mock and to the AWS Runtime Interface Emulator, which embeds RAPID, the Runtime API server Lambda runs, and compares status lines, headers, bodies, the timing of answers and what the caller of the invoke receives.',
    '',
    verdict,
    '',
    '| measure | value |',
    '|---|---|',
    `| emulator | \`${s.emulatorVersion}\` |`,
    `| corpus conversations | ${s.corpus.conversations} |`,
    `| agree exactly | ${s.corpus.agreeing} (${pct(s.corpus.share)}) |`,
    `| agree or differ only as listed | ${s.corpus.explained} (${pct(s.corpus.conversations === 0 ? 0 : s.corpus.explained / s.corpus.conversations)}) |`,
    `| generated conversations | ${s.fuzz.conversations} (seed ${s.seed}, ${s.fuzzSeconds} s), ${s.fuzz.reproducers} new reproducer(s) |`,
    `| divergences | ${s.divergences.total}: deliberate ${s.divergences.deliberate}, unexplained ${s.divergences.unlisted} |`,
    '',
    '## Deliberate differences',
    '',
    'Where Lambda itself does not behave like the emulator, or where following it would hide a runtime bug, the mock differs on purpose. Each entry in `harness/fidelity/deliberate.json` states why, with public sources.',
    '',
    ...(s.deliberate.length === 0 ? ['None in this run.'] : ['| entry | divergences |', '|---|---|', ...s.deliberate.map((e) => `| \`${e.id}\` | ${e.count} |`)]),
    '',
  ].join('\n');
}

/** Writes DIR/about-the-mock.html; returns its path. */
export function writeAboutMockPage(dir: string, summary: FidelitySummary): string {
  const file = join(dir, ABOUT_MOCK_PAGE);
  writeFileSync(file, markdownPage(aboutMockMarkdown(summary), { backTo: 'index.html' }));
  return file;
}
