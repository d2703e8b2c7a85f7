import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { BootspecError, ErrorCodes } from '../errors.ts';
import type { ExpectationDiff, ScenarioResult, Verdict } from './types.ts';

/** docs/probe-contract.md, expectations: scenario id → the verdict this runtime is known to get, with the reason. */
export interface Expectation {
  verdict: Verdict;
  reason: string;
  link?: string;
}
export type Expectations = Record<string, Expectation>;

const JUDGED: Verdict[] = ['pass', 'fail', 'warn', 'precondition-failed', 'unsupported'];

export function loadExpectations(file: string, knownIds: Set<string>): Expectations {
  if (!existsSync(file)) {
    throw new BootspecError(ErrorCodes.EXPECTATIONS_INVALID, `expectations file ${file} does not exist`, {
      hint: 'create it with: bootspec run <runtime> --update-expectations',
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new BootspecError(ErrorCodes.EXPECTATIONS_INVALID, `${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new BootspecError(ErrorCodes.EXPECTATIONS_INVALID, `${file} must be a JSON object of scenario id → {"verdict", "reason"}`);
  }
  const out: Expectations = {};
  for (const [id, v] of Object.entries(data as Record<string, unknown>)) {
    if (id === '$schema') continue;
    const e = v as Partial<Expectation> | null;
    if (!knownIds.has(id)) {
      throw new BootspecError(ErrorCodes.EXPECTATIONS_INVALID, `${file}: "${id}" is not a scenario id`, { hint: 'bootspec list shows the ids; fix or remove the entry' });
    }
    if (!e || typeof e !== 'object' || !JUDGED.includes(e.verdict as Verdict) || typeof e.reason !== 'string' || e.reason.trim() === '') {
      throw new BootspecError(ErrorCodes.EXPECTATIONS_INVALID, `${file}: "${id}" needs {"verdict": ${JUDGED.map((j) => `"${j}"`).join('|')}, "reason": "<why, with evidence>"}`);
    }
    out[id] = { verdict: e.verdict as Verdict, reason: e.reason, ...(typeof e.link === 'string' ? { link: e.link } : {}) };
  }
  return out;
}

/**
 * Differences between what ran and what was expected. An unlisted scenario is expected to pass (or to
 * be unsupported/skipped); `error` is never an expectation: it always fails the run on its own.
 */
export function compareExpectations(results: ScenarioResult[], exp: Expectations): ExpectationDiff[] {
  const diffs: ExpectationDiff[] = [];
  for (const r of results) {
    if (r.verdict === 'skip' || r.verdict === 'error') continue;
    const e = exp[r.id];
    const expected: Verdict = e?.verdict ?? (r.verdict === 'unsupported' ? 'unsupported' : 'pass');
    if (expected !== r.verdict) diffs.push({ id: r.id, expected, actual: r.verdict, reason: e?.reason });
  }
  return diffs;
}

/** Rewrites the file from this run: fail, warn and precondition-failed verdicts listed, reasons of unchanged entries kept. */
export function updateExpectations(file: string, results: ScenarioResult[], old: Expectations): number {
  const out: Expectations = {};
  for (const r of results) {
    if (r.verdict === 'skip' || r.verdict === 'error') {
      if (old[r.id]) out[r.id] = old[r.id] as Expectation;
      continue;
    }
    if (r.verdict !== 'fail' && r.verdict !== 'warn' && r.verdict !== 'precondition-failed') continue;
    const prev = old[r.id];
    out[r.id] = prev && prev.verdict === r.verdict ? prev : { verdict: r.verdict, reason: `TODO: explain with evidence. bootspec said: ${r.message}` };
  }
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  return Object.keys(out).length;
}
