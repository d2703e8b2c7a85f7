import type { RuntimeRun, ScenarioResult, Summary, Verdict } from '../suite/types.ts';
import { emptySummary, summaryLine } from '../suite/summary.ts';

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number, s: string) => (useColor ? `\x1b[${code}m${s}\x1b[0m` : s);

/** Glyph and word per verdict: readable without colour. */
export const VERDICT_MARK: Record<Verdict, { glyph: string; word: string; color: number }> = {
  pass: { glyph: '✓', word: 'pass', color: 32 },
  fail: { glyph: '✗', word: 'FAIL', color: 31 },
  warn: { glyph: '!', word: 'warn', color: 33 },
  'precondition-failed': { glyph: '^', word: 'precondition failed', color: 36 },
  unsupported: { glyph: '∅', word: 'unsupported', color: 90 },
  skip: { glyph: '-', word: 'skip', color: 90 },
  error: { glyph: 'E', word: 'ERROR', color: 35 },
};

export const mark = (v: Verdict) => paint(VERDICT_MARK[v].color, `${VERDICT_MARK[v].glyph} ${VERDICT_MARK[v].word}`);

/** One line per finished scenario while the run goes on. */
export function progressLine(runtime: string, r: ScenarioResult): string {
  return `  ${mark(r.verdict).padEnd(useColor ? 23 : 13)} ${r.id} ${paint(90, `(${runtime}, ${r.durationMs} ms)`)}`;
}

function detail(r: ScenarioResult): string {
  const out = [`${mark(r.verdict)} ${r.id} (${r.level}) ${r.title}`, `    requirement: ${r.requirement} [${r.source}]`, `    why: ${r.message}`];
  if (r.coveredBy !== undefined) out.push(`    judged by: ${r.coveredBy} (fix that first)`);
  if (r.expected !== undefined) out.push(`    expected: ${r.expected}`);
  if (r.actual !== undefined) out.push(`    actual:   ${r.actual}`);
  const ex = r.evidence?.exchanges ?? [];
  if (ex.length) {
    out.push('    Runtime API exchanges:');
    for (const e of ex.slice(-12)) {
      const body = e.requestBody ? `  ${JSON.stringify(e.requestBody.slice(0, 100))}` : '';
      out.push(`      ${e.method} ${e.path} → ${e.status || (e.clientAborted ? 'abandoned by the runtime' : 'no answer')}${body}`);
    }
  }
  const tail = r.evidence?.logTail ?? [];
  if (tail.length) {
    out.push('    output (last lines):');
    for (const l of tail.slice(-10)) out.push(`      ${l.length > 200 ? `${l.slice(0, 200)}…` : l}`);
  }
  return out.join('\n');
}

function total(runs: RuntimeRun[]): Summary {
  const s: Summary = emptySummary();
  for (const r of runs) for (const k of Object.keys(s) as Verdict[]) s[k] += r.summary[k];
  return s;
}

/** The report printed at the end of `bootspec run`. */
export function consoleReport(runs: RuntimeRun[]): string {
  const out: string[] = [];
  const first = runs[0] as RuntimeRun;
  if (runs.length === 1) {
    let area = '';
    for (const r of first.results) {
      if (r.verdict === 'skip' && r.message.startsWith('not selected')) continue;
      if (r.area !== area) {
        area = r.area;
        out.push(paint(1, area));
      }
      out.push(`  ${mark(r.verdict).padEnd(useColor ? 23 : 13)} ${r.id}  ${paint(90, r.title)}`);
    }
  } else {
    const names = runs.map((r) => r.runtime.name);
    const width = Math.max(...first.results.map((r) => r.id.length));
    out.push(`${''.padEnd(width)}  ${names.map((n) => n.padEnd(14)).join(' ')}`);
    first.results.forEach((r, i) => {
      if (runs.every((run) => run.results[i]?.message.startsWith('not selected'))) return;
      const cells = runs.map((run) => {
        const v = run.results[i]?.verdict ?? 'skip';
        return paint(VERDICT_MARK[v].color, `${VERDICT_MARK[v].glyph} ${VERDICT_MARK[v].word}`.padEnd(14));
      });
      out.push(`${r.id.padEnd(width)}  ${cells.join(' ')}`);
    });
  }
  for (const run of runs) {
    const bad = run.results.filter((r) => r.verdict === 'fail' || r.verdict === 'warn' || r.verdict === 'error');
    if (bad.length) {
      out.push('', paint(1, `${run.runtime.name}: what failed, and why`));
      for (const r of bad) out.push(detail(r), '');
    }
    if (run.expectationDiffs.length) {
      out.push(paint(1, `${run.runtime.name}: ${run.expectationDiffs.length} difference(s) from its expectations`));
      for (const d of run.expectationDiffs) {
        out.push(`  ${d.id}: expected ${d.expected}, got ${d.actual}${d.actual === 'pass' ? ' (an unexpected pass: update the expectations)' : ''}`);
      }
    }
    if (runs.length > 1) out.push(`${run.runtime.name}: ${summaryLine(run.summary)}`);
  }
  out.push('', summaryLine(total(runs)));
  return out.join('\n');
}
