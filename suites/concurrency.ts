/**
 * Lambda Managed Instances, for runtimes that claim the `concurrency` feature: one environment
 * serves up to AWS_LAMBDA_MAX_CONCURRENCY invocations at once, and the runtime keeps them apart.
 * The mock counts what the runtime does (harness/api/managed/router.ts): idle /next callers, events
 * out at once, late posts answered 410. docs/requirements.md#concurrency
 */
import { randomUUID } from 'node:crypto';
import type { ManagedStats } from '../harness/api/managed/types.ts';
import { requestIdOfLine } from '../harness/invoke/log-socket.ts';
import type { ExecutionEnvironment } from '../harness/invoke/execution-environment.ts';
import type { InvocationRecord } from '../harness/invoke/types.ts';
import type { ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';
import { awaitMarkers, linesWith, showLine } from '../harness/suite/log-records.ts';
import { COVERED } from '../harness/suite/verify.ts';

/** The concurrency most scenarios give the runtime: `run --max-concurrency`, else 4. */
const DEFAULT_N = 4;
const FOLLOWS = 'concurrency.follows-max';
const LIMIT = 'concurrency.limit';
const LOGS_DELIVERED = 'concurrency.logs-delivered';

/** What the `context` op answers (docs/probe-contract.md#context-answer), the fields judged here. */
interface ContextAnswer {
  requestId: string | null;
  remainingMs: number | null;
  traceEnv: string | null;
  tenantId: string | null;
  clientContext?: unknown;
}

/** A managed-instances environment of the runtime under test, warmed by one plain invocation. */
async function managedEnvironment(t: ScenarioContext, maxConcurrency: number, timeoutS = 5): Promise<ExecutionEnvironment> {
  const env = await t.environment({ maxConcurrency, timeoutS });
  await t.given(env, { probe: 'echo', value: 'warm' });
  return env;
}

function stats(env: ExecutionEnvironment): ManagedStats {
  const s = env.api.managed?.stats;
  if (!s) throw new Error('internal: not a managed-instances environment');
  return s;
}

/** Waits for a condition of the mock, polling, up to `ms`; true when it held. */
async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

/** Precondition: the runtime served several invocations at once (concurrency.follows-max judges it). */
function givenOverlap(t: ScenarioContext, env: ExecutionEnvironment, records: InvocationRecord[]): void {
  const peak = stats(env).peakRunning;
  t.pre.that(peak >= 2, { message: 'the runtime never took a second event while one was out', expected: `up to ${env.managed?.maxConcurrency} events out at once`, actual: `at most ${peak}`, records }, FOLLOWS);
}

/**
 * Lets the runtime settle after its warm-up: its workers park on /next (up to 2 s), then a
 * worker beyond the limit has up to 500 ms to show itself (a refused /next).
 */
async function settle(env: ExecutionEnvironment, max: number): Promise<void> {
  await until(() => (env.api.managed?.idleCount ?? 0) >= max, 2000);
  await until(() => stats(env).idleRefused > 0, 500);
}

/**
 * N overlapping invocations in a JSON-logging managed environment, each logging one record of its
 * own after a wait (so every other invocation has been delivered by then), and the records waited for.
 */
async function loggedConcurrently(t: ScenarioContext): Promise<{ env: ExecutionEnvironment; records: InvocationRecord[]; markers: string[] }> {
  const N = t.target.maxConcurrency ?? DEFAULT_N;
  const env = await t.environment({ maxConcurrency: N, timeoutS: 10, logging: { format: 'JSON', applicationLogLevel: 'INFO' }, telemetryLogFd: t.manifest.features.includes('telemetry-log-fd') });
  await t.given(env, { probe: 'echo', value: 'warm' });
  const tag = `bootspec-mc-${randomUUID().slice(0, 8)}`;
  const markers = Array.from({ length: N }, (_, i) => `${tag}-${i}`);
  const records = await Promise.all(markers.map((m) => t.probe(env, { probe: 'logger', sleepMs: 300, records: [{ level: 'INFO', message: m }] })));
  for (const r of records) t.pre.success(env, r, 'a concurrent logger invocation', 'logger');
  givenOverlap(t, env, records);
  await awaitMarkers(env, markers);
  return { env, records, markers };
}

function refusedNext(env: ExecutionEnvironment): string {
  const s = stats(env);
  return `${s.idleRefused} GET /next refused (more than ${env.managed?.maxConcurrency} idle at once, Runtime.TooManyIdleRuntimes)`;
}

export default area('concurrency', 'Several invocations at once (Lambda Managed Instances)', [
  scenario(
    {
      id: 'concurrency.isolated-context',
      level: 'MUST',
      feature: 'concurrency',
      title: 'Concurrent invocations each see their own context',
      requirement: 'With several invocations in flight, each handler sees its own request id, deadline, tenant, trace and client context, and each result is posted to its own request id.',
    },
    async (t: ScenarioContext) => {
      const N = t.target.maxConcurrency ?? DEFAULT_N;
      const env = await managedEnvironment(t, N, 10);
      // Distinct deadlines (1 s apart) and tenants; the context is read after a wait, when every
      // invocation has been delivered, so state shared across invocations shows the wrong values.
      const records = await Promise.all(
        Array.from({ length: N }, (_, i) =>
          t.probe(env, { probe: 'context', sleepMs: 400 }, { timeoutMs: 4000 + i * 1000, tenantId: `bootspec-tenant-${i}`, clientContext: JSON.stringify({ custom: { slot: `bootspec-slot-${i}` } }) }),
        ),
      );
      givenOverlap(t, env, records);
      const wrong: string[] = [];
      for (const r of records) {
        const c = t.pre.json<ContextAnswer>(env, r, 'a concurrent context invocation', 'context');
        const id = r.requestId;
        if (c.requestId !== id) wrong.push(`${id}: requestId ${c.requestId}`);
        if (c.tenantId !== null && c.tenantId !== r.request.tenantId) wrong.push(`${id}: tenantId ${c.tenantId}, sent ${r.request.tenantId}`);
        if (c.traceEnv !== null && c.traceEnv !== r.request.traceId) wrong.push(`${id}: trace ${c.traceEnv}, sent ${r.request.traceId}`);
        // The client context, where the runtime offers it: its own slot, never another's.
        const slots = JSON.stringify(c.clientContext ?? null).match(/bootspec-slot-\d+/g) ?? [];
        const ownSlot = `bootspec-slot-${records.indexOf(r)}`;
        if (slots.some((slot) => slot !== ownSlot)) wrong.push(`${id}: client context of ${slots.join(', ')}, sent ${ownSlot}`);
        const expected = r.request.deadlineMs - (r.timings.resultAt ?? r.timings.completedAt);
        if (c.remainingMs !== null && Math.abs(c.remainingMs - expected) > 500) wrong.push(`${id}: remainingMs ${c.remainingMs}, its own deadline leaves about ${expected}`);
      }
      t.check(wrong.length === 0, {
        message: 'a handler saw another invocation\'s context, or a result went to another id',
        expected: 'each answer carries the request id, tenant, trace and deadline of the invocation it was posted to',
        actual: wrong.join('; '),
      });
    },
  ),
  scenario(
    {
      id: LIMIT,
      level: 'SHOULD',
      feature: 'concurrency',
      title: 'Never more than AWS_LAMBDA_MAX_CONCURRENCY events asked for at once',
      requirement:
        'The runtime keeps at most AWS_LAMBDA_MAX_CONCURRENCY requests for events open: the Managed Instances core refuses an idle /next beyond its limit (500, Runtime.TooManyIdleRuntimes), and every refusal costs the runtime a retry. SHOULD: a client that keeps more workers and retries the refusals still serves correctly.',
    },
    async (t: ScenarioContext) => {
      const max = 2;
      const env = await managedEnvironment(t, max);
      await settle(env, max);
      // One more than the limit: the extra one waits for a free worker, it is never refused.
      const records = await Promise.all(Array.from({ length: max + 1 }, () => t.probe(env, { probe: 'sleep', ms: 400 })));
      for (const r of records) t.pre.success(env, r, 'a concurrent sleep invocation', 'sleep');
      t.check(stats(env).idleRefused === 0, {
        message: `the runtime asked for more than ${max} events at once`,
        expected: `at most ${max} GET /next open at a time (AWS_LAMBDA_MAX_CONCURRENCY=${max})`,
        actual: refusedNext(env),
        records,
        exchanges: env.exchanges.filter((e) => e.route === 'next' && e.status === 500).slice(-5),
      });
    },
  ),
  scenario(
    {
      id: 'concurrency.slow-does-not-block',
      level: 'MUST',
      feature: 'concurrency',
      title: 'A slow invocation does not hold back the others',
      requirement: 'While one handler is busy, the runtime serves the other invocations in flight at the same time.',
    },
    async (t: ScenarioContext) => {
      const N = t.target.maxConcurrency ?? DEFAULT_N;
      const env = await managedEnvironment(t, N);
      const slow = t.probe(env, { probe: 'sleep', ms: 1500 });
      const out = await until(() => (env.api.managed?.running ?? 0) >= 1, 2000);
      t.pre.that(out, { message: 'the slow invocation was not delivered', expected: 'delivered within 2 s', actual: 'still waiting' }, FOLLOWS);
      const quick = await Promise.all(Array.from({ length: N - 1 }, (_, i) => t.probe(env, { probe: 'echo', value: i })));
      const s = await slow;
      for (const r of [...quick, s]) t.pre.success(env, r, 'an invocation', r === s ? 'sleep' : 'echo');
      givenOverlap(t, env, [...quick, s]);
      const held = quick.filter((r) => (r.timings.resultAt ?? Number.POSITIVE_INFINITY) >= (s.timings.resultAt ?? 0) || r.timings.durationMs > 1000);
      t.check(held.length === 0, {
        message: 'quick invocations waited for the slow one',
        expected: 'the echo invocations answered while the 1.5 s sleep was still running',
        actual: held.map((r) => `${r.requestId} took ${Math.round(r.timings.durationMs)} ms`).join('; '),
        records: [...quick, s],
      });
    },
  ),
  scenario(
    {
      id: 'concurrency.error-isolated',
      level: 'MUST',
      feature: 'concurrency',
      title: "One invocation's error or timeout does not fail the others",
      requirement: 'A handler that throws or runs past its timeout fails only its own invocation; the others in flight succeed.',
    },
    async (t: ScenarioContext) => {
      const env = await managedEnvironment(t, Math.max(4, t.target.maxConcurrency ?? DEFAULT_N));
      const [thrown, late, ...others] = await Promise.all([
        t.probe(env, { probe: 'throw', errorType: 'BootspecProbeError', message: 'one of several' }),
        t.probe(env, { probe: 'sleep', ms: 2500 }, { timeoutMs: 800 }),
        t.probe(env, { probe: 'sleep', ms: 400 }),
        t.probe(env, { probe: 'sleep', ms: 400 }),
      ]);
      const all = [thrown, late, ...others] as InvocationRecord[];
      givenOverlap(t, env, all);
      t.pre.that((thrown as InvocationRecord).outcome === 'function-error', { message: 'the throwing invocation did not end as a function error', expected: 'function-error', actual: (thrown as InvocationRecord).outcome, records: all }, COVERED.errorEndpoint);
      // The timed-out one must end as its own timeout, not as the end of the whole process.
      const failed = [...others.filter((r) => r.outcome !== 'success'), ...(late?.outcome === 'timeout' ? [] : [late as InvocationRecord])];
      t.check(failed.length === 0, {
        message: 'invocations in flight beside an error and a timeout failed too',
        expected: 'the two sleep invocations succeed and the slow one ends as its own timeout (Sandbox.Timedout)',
        actual: failed.map((r) => `${r.requestId}: ${r.outcome}${r.errorType ? ` (${r.errorType})` : ''}`).join('; '),
        records: all,
      });
    },
  ),
  scenario(
    {
      id: 'concurrency.late-post-survives',
      level: 'SHOULD',
      feature: 'concurrency',
      title: 'A 410 on a late post does not end the runtime',
      requirement: 'A result posted after its invocation timed out is answered 410 InvokeTimeout; the runtime logs it and goes on serving.',
    },
    async (t: ScenarioContext) => {
      const env = await managedEnvironment(t, 2);
      const late = await t.probe(env, { probe: 'sleep', ms: 1200 }, { timeoutMs: 500 });
      t.pre.timedOut(late);
      if (!(await until(() => stats(env).lateRefused > 0, 4000))) t.nothingToJudge('the runtime never posted the timed-out result, so no 410 was sent');
      // Let a runtime that exits on the 410 get there before the next event goes out.
      await until(() => env.state !== 'ready', 300);
      // Survival is the environment's: the same runtime process, no re-init. (Not the probe's init id:
      // a client with a module per worker, threads or forked processes, answers from any worker.)
      const r = await t.probe(env, { probe: 'echo', value: 'after' });
      const survived = r.outcome === 'success' && r.generation === late.generation && !r.suppressedInit;
      t.check(survived, {
        message: 'the runtime did not survive a 410 on its late post',
        expected: `the same runtime process (generation ${late.generation}) serves the next invocation`,
        actual: `${r.outcome}${r.errorType ? ` (${r.errorType})` : ''}, generation ${r.generation}${r.suppressedInit ? ' after a re-init' : ''}\n${env.lifecycle.map((e) => `${e.kind}${e.detail ? ` (${e.detail})` : ''}`).join(', ')}`,
        records: [late, r],
        exchanges: env.exchanges.filter((e) => e.status === 410),
      });
    },
  ),
  scenario(
    {
      id: LOGS_DELIVERED,
      level: 'MUST',
      feature: 'concurrency',
      alsoFeature: 'json-logs',
      title: 'Records logged by concurrent invocations arrive while they run',
      requirement:
        "With several invocations in flight, every record a handler logs through the runtime's logger reaches the platform within moments (through the log socket named in _LAMBDA_TELEMETRY_LOG_FD_PROVIDER_SOCKET, the telemetry log fd, or stdout), not held back in a buffer until the process ends.",
    },
    async (t: ScenarioContext) => {
      const { env, markers } = await loggedConcurrently(t);
      const missing = markers.filter((m) => linesWith(env, m).length === 0);
      t.check(missing.length === 0, {
        message: `${missing.length} of ${markers.length} records logged by concurrent invocations did not arrive`,
        expected: 'every record within 2 s of its invocation (the log socket, the telemetry log fd or stdout)',
        actual: `never seen: ${missing.join(', ')}; ${env.logs.filter((l) => l.stream === 'log-socket').length} line(s) on the log socket`,
      });
    },
  ),
  scenario(
    {
      id: 'concurrency.logs-own-request-id',
      level: 'MUST',
      feature: 'concurrency',
      alsoFeature: 'json-logs',
      title: "Each concurrent invocation's log records carry its own request id",
      requirement:
        "With several invocations in flight and JSON logs, a record a handler logs names the request id of its own invocation: records of concurrent invocations interleave in one stream, and the id is the only way to tell whose each is.",
    },
    async (t: ScenarioContext) => {
      const { env, records, markers } = await loggedConcurrently(t);
      const wrong: string[] = [];
      markers.forEach((m, i) => {
        const lines = linesWith(env, m);
        t.pre.that(lines.length > 0, { message: `the record "${m}" never arrived`, expected: 'every record logged', actual: 'not seen on any stream' }, LOGS_DELIVERED);
        const own = (records[i] as InvocationRecord).requestId;
        for (const line of lines) {
          const named = requestIdOfLine(line.text);
          if (named !== own) wrong.push(`${m} (logged by ${own}) names ${named ?? 'no request id'}: ${showLine(line)}`);
        }
      });
      t.check(wrong.length === 0, {
        message: "a record logged by one of several concurrent invocations names another invocation's request id, or none",
        expected: 'each record names the request id of the invocation that logged it (requestId; AWSRequestId in the Java client)',
        actual: wrong.join('; '),
        records,
      });
    },
  ),
  scenario(
    {
      id: FOLLOWS,
      level: 'MUST',
      feature: 'concurrency',
      title: 'The concurrency follows AWS_LAMBDA_MAX_CONCURRENCY',
      requirement: 'The runtime serves as many invocations at once as AWS_LAMBDA_MAX_CONCURRENCY says, no fixed number.',
      timeoutMs: 60_000,
    },
    async (t: ScenarioContext) => {
      const N = Math.max(3, t.target.maxConcurrency ?? DEFAULT_N);
      const reached: string[] = [];
      for (const max of [2, N]) {
        const env = await managedEnvironment(t, max);
        await settle(env, max);
        const records = await Promise.all(Array.from({ length: max }, () => t.probe(env, { probe: 'sleep', ms: 600 })));
        for (const r of records) t.pre.success(env, r, 'a concurrent sleep invocation', 'sleep');
        const peak = stats(env).peakRunning;
        if (peak !== max) reached.push(`AWS_LAMBDA_MAX_CONCURRENCY=${max}: at most ${peak} at once`);
      }
      t.check(reached.length === 0, {
        message: 'the runtime did not use the concurrency it was given',
        expected: `${2} and then ${N} sleep invocations out at once`,
        actual: reached.join('; '),
      });
    },
  ),
]);
