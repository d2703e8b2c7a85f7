import type { ScenarioResult, Summary } from './types.ts';

export function summarize(results: ScenarioResult[]): Summary {
  const s: Summary = { pass: 0, fail: 0, warn: 0, unsupported: 0, skip: 0, error: 0 };
  for (const r of results) s[r.verdict] += 1;
  return s;
}

/** The closing line, in the form CI systems read: `N passed, N failed, …`. */
export function summaryLine(s: Summary): string {
  return `${s.pass} passed, ${s.fail} failed, ${s.warn} warned, ${s.unsupported} unsupported, ${s.skip} skipped, ${s.error} errors`;
}
