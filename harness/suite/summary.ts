import type { ScenarioResult, Summary } from './types.ts';

export function emptySummary(): Summary {
  return { pass: 0, fail: 0, warn: 0, 'precondition-failed': 0, unsupported: 0, skip: 0, error: 0 };
}

export function summarize(results: ScenarioResult[]): Summary {
  const s: Summary = emptySummary();
  for (const r of results) s[r.verdict] += 1;
  return s;
}

/** The closing line, in the form CI systems read: `N passed, N failed, …`. */
export function summaryLine(s: Summary): string {
  return `${s.pass} passed, ${s.fail} failed, ${s.warn} warned, ${s['precondition-failed']} precondition failed, ${s.unsupported} unsupported, ${s.skip} skipped, ${s.error} errors`;
}
