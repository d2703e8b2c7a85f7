/**
 * The divergence table for a terminal: unlisted divergences first (they fail the run), then the
 * deliberate differences; then the counts.
 */
import type { ConversationResult, FidelityReport } from './types.ts';

type Row = ConversationResult['divergences'][number];

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s).replace(/\s+/g, ' ');

function rows(title: string, list: Row[]): string[] {
  if (list.length === 0) return [];
  const out = [`${title} (${list.length})`, `  ${'conversation'.padEnd(34)} ${'request'.padEnd(46)} ${'field'.padEnd(30)} emulator  |  mock`];
  for (const d of list) {
    const id = 'id' in d.explanation ? ` [${d.explanation.id}]` : '';
    out.push(`  ${clip(d.conversation, 34).padEnd(34)} ${clip(`${d.conn} ${d.requestLine}`, 46).padEnd(46)} ${clip(d.field, 30).padEnd(30)} ${clip(d.rie, 40)}  |  ${clip(d.mock, 40)}${id}`);
  }
  return [...out, ''];
}

export function renderTable(report: FidelityReport): string {
  const firsts = report.results.flatMap((r) => r.divergences.filter((d) => !d.consequent));
  const of = (k: Row['explanation']['kind']) => firsts.filter((d) => d.explanation.kind === k);
  const c = report.corpus;
  return [
    ...rows('UNLISTED divergences (fix the mock, or list them with a reason)', of('unlisted')),
    ...rows('Deliberate differences (harness/fidelity/deliberate.json)', of('deliberate')),
    `emulator ${report.emulator.version}; seed ${report.seed}, fuzz ${report.fuzzSeconds} s (${report.fuzz.conversations} generated, ${report.fuzz.reproducers.length} reproducer(s))`,
    `divergences: ${report.divergences.total} (deliberate ${report.divergences.deliberate}, unlisted ${report.divergences.unlisted})`,
    `corpus: ${c.agreeing}/${c.conversations} conversations agree exactly (${(c.share * 100).toFixed(1)} %), ${c.explained}/${c.conversations} agree or differ only as listed`,
    '',
  ].join('\n');
}
