/**
 * What the log scenarios (suites/telemetry-log-fd.ts, suites/json-logs.ts) share: logging through
 * the runtime's own logger with the probe's `logger` op (docs/probe-contract.md), and waiting for
 * the records to arrive on any stream, the telemetry log fd included.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecutionEnvironment } from '../invoke/execution-environment.ts';
import type { InvocationRecord, InvokeOptions, LogLine } from '../invoke/types.ts';
import { describeOutcome, SETTLE_MS } from './checks.ts';
import type { ScenarioContext } from './context.ts';

export type LoggerLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface LoggerRecord {
  level: LoggerLevel;
  message: string;
}

/** Longest wait for a record written during the invocation to be read from its pipe. */
const ARRIVAL_MS = 2_000;
const POLL_MS = 20;

/** A probe without the `logger` operation answers ProbeUnknownOp (docs/probe-contract.md). */
function unknownOp(r: InvocationRecord): boolean {
  return r.outcome === 'function-error' && (r.errorType === 'ProbeUnknownOp' || r.response.payload.toString('utf8').includes('unknown probe op'));
}

/**
 * Logs the records through the runtime's logger. A probe without the op leaves nothing to judge;
 * a failed op is the subject's failure once a plain echo is known to work (else that is blamed).
 */
export async function logThroughLogger(
  t: ScenarioContext,
  env: ExecutionEnvironment,
  records: LoggerRecord[],
  options: Omit<InvokeOptions, 'event'> = {},
): Promise<InvocationRecord> {
  const r = await t.probe(env, { probe: 'logger', records }, options);
  if (unknownOp(r)) t.nothingToJudge('the probe does not implement the logger operation');
  if (r.outcome !== 'success') {
    await t.baseline();
    t.fail({ message: `logging through the runtime's logger failed: ${describeOutcome(r)}`, expected: 'a successful logger invocation', actual: describeOutcome(r), records: [r] });
  }
  return r;
}

/** Lines of the environment that contain `text`, on any stream (stdout, stderr, telemetry frames). */
export function linesWith(env: ExecutionEnvironment, text: string): LogLine[] {
  return env.logs.filter((l) => l.stream !== 'platform' && l.text.includes(text));
}

/**
 * Waits until every marker has been seen on some stream (or the arrival budget is spent), then a
 * little longer, so duplicates and stray pieces of a record arrive too before anything is judged.
 */
export async function awaitMarkers(env: ExecutionEnvironment, markers: readonly string[]): Promise<void> {
  const until = Date.now() + ARRIVAL_MS;
  while (Date.now() < until && !markers.every((m) => linesWith(env, m).length > 0)) await sleep(POLL_MS);
  await sleep(SETTLE_MS);
}

/** One line for the evidence: its stream and (cut) text, newlines shown. */
export function showLine(l: LogLine): string {
  const text = l.text.length > 300 ? `${l.text.slice(0, 300)}…` : l.text;
  return `${l.stream}: ${JSON.stringify(text)}`;
}
