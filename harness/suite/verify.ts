/**
 * Named verifiers: the checks scenarios share, each with its own expected and actual, so a scenario
 * reads as its requirement plus a few verifier calls (as an h2spec case does).
 *
 * The same verifier serves two roles. As `t.verify` it judges the scenario's subject: a miss is
 * `fail` (MUST) or `warn` (SHOULD). As `t.pre` it checks a precondition that another scenario
 * judges: a miss is `precondition-failed`, naming that scenario, so one defect is blamed once.
 */
import type { ExchangeRecord } from '../api/types.ts';
import type { ExecutionEnvironment } from '../invoke/execution-environment.ts';
import type { InvocationRecord } from '../invoke/types.ts';
import { describeOutcome, parseJson, processFailed, resultPosts, routesOf } from './checks.ts';
import type { FailureDetail } from './context.ts';

/** How a verifier's miss is raised: as the subject's failure, or as a broken precondition. */
export interface Judge {
  raise(detail: FailureDetail, coveredBy: string): never;
}

/** The scenario that judges each probe operation (docs/probe-contract.md): a failed op names it. */
export const OP_COVERED_BY: Readonly<Record<string, string>> = {
  echo: 'results.echo',
  digest: 'payload.utf8',
  bytes: 'payload.response-max',
  context: 'context.request-id',
  counter: 'reuse.globals-warm',
  tmp: 'reuse.tmp-warm',
  log: 'logging.during-invoke',
  logger: 'json-logs.fields',
  throw: 'errors.error-endpoint',
  sleep: 'results.echo',
};

/** The scenarios behind the most basic things every other scenario relies on. */
export const COVERED = {
  reach: 'startup.runtime-api-address',
  initBudget: 'startup.init-budget',
  warm: 'reuse.globals-warm',
  warmAfterError: 'errors.warm-after-error',
  errorEndpoint: 'errors.error-endpoint',
  timeoutReinit: 'lifecycle.timeout-reinit',
  exitReinit: 'lifecycle.exit-reinit',
  initReported: 'init.error.reported',
  traceSet: 'trace.per-invoke',
  traceAbsent: 'trace.absent-no-crash',
  tmpWarm: 'reuse.tmp-warm',
  requestId: 'context.request-id',
} as const;

/** What the counter probe answers (docs/probe-contract.md, `counter`). */
export interface Counter {
  count: number;
  initId: string;
  pid?: number;
}

/**
 * Why a probe invocation that should have succeeded did not, as the scenario that covers it: the
 * runtime never reached its API, its init ran out of time, or the operation itself failed.
 */
export function coveringScenario(env: Pick<ExecutionEnvironment, 'exchanges'>, r: InvocationRecord, op: string | undefined): string {
  if (env.exchanges.length === 0) return COVERED.reach;
  if (r.outcome === 'init-timeout' || r.inits.some((a) => a.kind === 'timeout')) return COVERED.initBudget;
  return (op && OP_COVERED_BY[op]) ?? 'results.echo';
}

export class Verifier {
  readonly #judge: Judge;

  constructor(judge: Judge) {
    this.#judge = judge;
  }

  /** Any check with its own wording; `coveredBy` is used only in the precondition role. */
  that(condition: boolean, detail: FailureDetail, coveredBy = 'results.echo'): asserts condition {
    if (!condition) this.#judge.raise(detail, coveredBy);
  }

  /** The invocation succeeded (the runtime posted a response the platform accepted). */
  success(env: Pick<ExecutionEnvironment, 'exchanges'>, r: InvocationRecord, what: string, op?: string): void {
    if (r.outcome === 'success') return;
    this.#judge.raise(
      { message: `${what} did not succeed: ${r.outcome}${r.errorType ? ` (${r.errorType})` : ''}`, expected: 'a successful invocation', actual: describeOutcome(r), records: [r] },
      coveringScenario(env, r, op),
    );
  }

  /** The invocation succeeded and its result is JSON; returns the parsed value. */
  json<T>(env: Pick<ExecutionEnvironment, 'exchanges'>, r: InvocationRecord, what: string, op?: string): T {
    this.success(env, r, what, op);
    const text = r.response.payload.toString('utf8');
    const value = parseJson(text);
    if (value === undefined) {
      this.#judge.raise({ message: `${what} returned a body that is not JSON`, expected: 'a JSON document', actual: text.slice(0, 300), records: [r] }, (op && OP_COVERED_BY[op]) ?? 'results.echo');
    }
    return value as T;
  }

  /** Both answers came from one runtime process (the counter probe's initId). */
  sameProcess(before: Counter, after: Counter, r: InvocationRecord, why: string, coveredBy: string = COVERED.warm): void {
    this.that(
      after.initId === before.initId && !r.suppressedInit,
      {
        message: why,
        expected: `the same process (initId ${before.initId})`,
        actual: `initId ${after.initId} (count ${after.count}); ${r.suppressedInit ? 'a suppressed init started a new process' : 'no re-init seen'}`,
        records: [r],
      },
      coveredBy,
    );
  }

  /** The invocation ran past its deadline and ended as Lambda's timeout. */
  timedOut(r: InvocationRecord, coveredBy: string = COVERED.timeoutReinit): void {
    this.that(
      r.outcome === 'timeout' && r.errorType === 'Sandbox.Timedout',
      { message: 'the slow invocation did not end as a timeout', expected: 'Sandbox.Timedout: the platform ends the invocation at its deadline', actual: describeOutcome(r), records: [r] },
      coveredBy,
    );
  }

  /** The runtime process died during the invocation (Runtime.ExitError). */
  exited(r: InvocationRecord, coveredBy: string = COVERED.exitReinit): void {
    this.that(r.outcome === 'runtime-exit', { message: 'the invocation did not end with the runtime process exiting', expected: 'Runtime.ExitError', actual: describeOutcome(r), records: [r] }, coveredBy);
  }

  /** A fresh process (suppressed init) served this invocation successfully after a reset. */
  restarted(r: InvocationRecord, after: string, coveredBy: string): void {
    this.that(
      r.outcome === 'success' && r.suppressedInit,
      { message: `the runtime did not start again after ${after}`, expected: 'a fresh process (suppressed init) that serves the invocation', actual: describeOutcome(r), records: [r] },
      coveredBy,
    );
  }

  /** The process survived: the invocation did not end by the runtime dying or hanging. */
  survived(r: InvocationRecord, what: string, coveredBy = 'results.echo'): void {
    this.that(!processFailed(r), { message: `the runtime died on ${what}`, expected: 'a result or a function error, the process alive', actual: describeOutcome(r), records: [r] }, coveredBy);
  }

  /** The handler's error went to /error, not /response. */
  postedError(r: InvocationRecord, coveredBy: string = COVERED.errorEndpoint): asserts r is InvocationRecord & { runtimeResult: { kind: 'error' } } {
    this.that(
      r.runtimeResult?.kind === 'error',
      {
        message: r.runtimeResult?.kind === 'response' ? 'the error was posted to /response as if it were a result' : 'the error did not reach /error',
        expected: 'POST …/error',
        actual: describeOutcome(r),
        records: [r],
      },
      coveredBy,
    );
  }

  /** Each id got exactly one result post, answered 202 (or 413 for an oversized response). */
  onePostPerId(exchanges: readonly ExchangeRecord[], ids: readonly string[], coveredBy = 'results.one-result'): void {
    for (const id of ids) {
      const posts = resultPosts(exchanges, id);
      this.that(
        posts.length === 1 && (posts[0]?.status === 202 || posts[0]?.status === 413),
        { message: `invocation ${id} got ${posts.length} result posts`, expected: 'one POST …/response or …/error answered 202', actual: routesOf(posts) || 'none', exchanges: posts },
        coveredBy,
      );
    }
  }
}
