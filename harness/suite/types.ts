/** Public shapes of the conformance suites: scenario metadata, verdicts and results (docs/probe-contract.md). */
import type { RuntimeFeature } from '../environment/types.ts';

export type Level = 'MUST' | 'SHOULD' | 'INFO';
/**
 * `precondition-failed`: something the scenario relies on, and that another scenario judges, is
 * broken, so the scenario cannot judge its own subject (web-platform-tests' PRECONDITION_FAILED).
 * Neither pass nor fail; the result names the covering scenario in `coveredBy`.
 */
export type Verdict = 'pass' | 'fail' | 'warn' | 'precondition-failed' | 'unsupported' | 'skip' | 'error';
export const VERDICTS: readonly Verdict[] = ['pass', 'fail', 'warn', 'precondition-failed', 'unsupported', 'skip', 'error'];

/** What a scenario declares about itself. Ids are stable and never reused. */
export interface ScenarioMeta {
  id: string;
  level: Level;
  title: string;
  /** The normative sentence it checks. */
  requirement: string;
  /** Only for runtimes that claim this feature in runtime.json; otherwise `unsupported`. */
  feature?: RuntimeFeature;
  /** A second feature it also needs (e.g. concurrency and json-logs); otherwise `unsupported`. */
  alsoFeature?: RuntimeFeature;
  /** Needs /var/task, /opt and /tmp at their real paths (bubblewrap or a container); otherwise `skip`. */
  needsPathFidelity?: boolean;
  /**
   * Only this driver can show the behaviour (a memory limit, a /tmp of fixed size, a read-only root,
   * a non-root user); with another driver the verdict is `skip`, with the reason.
   */
  needsDriver?: 'container';
  /** This driver cannot show the behaviour yet (the reason says why); with it the verdict is `skip`. */
  notWithDriver?: { driver: 'process' | 'container'; why: string };
  /** Longest the scenario may run, in ms (default 60 s). */
  timeoutMs?: number;
}

/** One Runtime API exchange as a result shows it. */
export interface ExchangeEvidence {
  method: string;
  path: string;
  status: number;
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string>;
  requestBody: string;
  requestBodyBytes: number;
  responseBody: string;
  responseBodyBytes: number;
  startedAt: number;
  durationMs: number;
  clientAborted: boolean;
  generation: number;
}

export interface Evidence {
  exchanges: ExchangeEvidence[];
  /** The runtime's last output lines (stdout/stderr) and platform lines. */
  logTail: string[];
}

export interface ScenarioResult {
  id: string;
  area: string;
  level: Level;
  verdict: Verdict;
  title: string;
  requirement: string;
  /** The requirement's entry in the project's own contract: `docs/requirements.md#<id>`. */
  source: string;
  /** With `precondition-failed`: the scenario that judges the broken precondition. */
  coveredBy?: string;
  /** One line: why this verdict. */
  message: string;
  expected?: string;
  actual?: string;
  evidence?: Evidence;
  durationMs: number;
}

export interface Summary {
  pass: number;
  fail: number;
  warn: number;
  'precondition-failed': number;
  unsupported: number;
  skip: number;
  error: number;
}

/** How a runtime was run: manifest, driver, build. */
export interface RuntimeInfo {
  name: string;
  description: string;
  driver: string;
  dir: string;
  features: string[];
  buildKey: string;
  pathFidelity: boolean;
}

export interface ExpectationDiff {
  id: string;
  expected: Verdict;
  actual: Verdict;
  reason: string | undefined;
}

export interface RuntimeRun {
  runtime: RuntimeInfo;
  results: ScenarioResult[];
  summary: Summary;
  /** Differences from the runtime's expectations file (empty when none was given or all match). */
  expectationDiffs: ExpectationDiff[];
  /** The expectations file compared against, if any (then only differences fail the run). */
  expectationsFile: string | undefined;
  startedAt: string;
  durationMs: number;
}
