import type { ExchangeRecord } from '../harness/api/types.ts';
import type { ExecutionEnvironment } from '../harness/invoke/execution-environment.ts';
import type { InitAttempt, InvocationRecord } from '../harness/invoke/types.ts';
import { describeOutcome, parseJson, routesOf } from '../harness/suite/checks.ts';
import type { ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';

/**
 * SnapStart restore (docs/requirements.md#restore): the environment says
 * AWS_LAMBDA_INITIALIZATION_TYPE=snap-start, init ends at GET /runtime/restore/next, and the
 * environment is restored (bootspec simulates it: the same process carries on).
 */

const SERVES = 'restore.serves-after-restore';
/** Two clocks on one host, one of them whole milliseconds: this much slack, never more. */
const CLOCK_SLACK_MS = 1;

interface HookRun {
  hook: string;
  at: number;
}

/** One SnapStart environment, one probe invoke with no re-init, and that process's exchanges. */
async function restoredOnce(t: ScenarioContext, event: Record<string, unknown>, control?: string) {
  const env = await t.environment({ snapStart: true, retryInitOnInvoke: false, ...(control === undefined ? {} : { extraEnv: { PROBE_RESTORE: control } }) });
  const r = await t.probe(env, event);
  const init = r.inits[0];
  const generation = init?.generation ?? r.generation;
  const gen = env.exchanges.filter((e) => e.generation === generation);
  return { env, r, init, gen, restoreNext: gen.find((e) => e.route === 'restore-next') };
}

function hooksOf(r: InvocationRecord): HookRun[] | undefined {
  const doc = parseJson(r.response.payload.toString('utf8')) as { hooks?: unknown } | undefined;
  if (!doc || !Array.isArray(doc.hooks)) return undefined;
  return doc.hooks.filter((h): h is HookRun => typeof h === 'object' && h !== null && typeof (h as HookRun).hook === 'string' && typeof (h as HookRun).at === 'number');
}

const describeInit = (a: InitAttempt | undefined) => (a === undefined ? 'no init' : a.kind === 'exit' ? `the process exited (${a.exit.signal ?? `code ${a.exit.code}`})` : a.kind);
const show = (e: ExchangeRecord | undefined) => (e ? `${e.method} ${e.path} → ${e.status || 'no answer'} at ${e.startedAt.toFixed(1)}` : 'none');

export default area('restore', 'SnapStart restore', [
  scenario(
    {
      id: 'restore.order',
      level: 'MUST',
      feature: 'snapstart',
      title: 'Runs before-snapshot hooks before restore/next, after-restore hooks after it and before the first /next',
      requirement:
        'With AWS_LAMBDA_INITIALIZATION_TYPE=snap-start the runtime ends its init by running the before-snapshot hooks and then calling GET /runtime/restore/next; once that call is answered (the environment restored) it runs the after-restore hooks, and only then asks for its first event.',
    },
    async (t: ScenarioContext) => {
      const { r, gen, restoreNext, init } = await restoredOnce(t, { probe: 'restore-hooks' });
      if (r.outcome !== 'success') {
        t.precondition({ message: `the probe's restore-hooks invoke did not succeed after restore (${describeOutcome(r)}; ${describeInit(init)})`, expected: 'a successful invocation', actual: routesOf(gen) }, SERVES);
      }
      t.check(restoreNext !== undefined && restoreNext.status === 200, {
        message: 'the runtime did not end its init with GET /runtime/restore/next, though AWS_LAMBDA_INITIALIZATION_TYPE is snap-start',
        expected: 'GET /2018-06-01/runtime/restore/next → 200, then GET /runtime/invocation/next',
        actual: routesOf(gen),
      });
      const hooks = hooksOf(r) ?? [];
      const before = hooks.findIndex((h) => h.hook === 'before-snapshot');
      const after = hooks.findIndex((h) => h.hook === 'after-restore');
      const ran = hooks.map((h) => `${h.hook} at ${h.at}`).join(', ') || 'no hook';
      t.check(before !== -1 && after !== -1, {
        message: `${before === -1 ? 'the before-snapshot hook' : 'the after-restore hook'} never ran`,
        expected: 'before-snapshot, then after-restore',
        actual: ran,
      });
      t.check(before < after, {
        message: 'the after-restore hook ran before the before-snapshot hook',
        expected: 'before-snapshot, then after-restore',
        actual: ran,
      });
      const beforeAt = (hooks[before] as HookRun).at;
      const afterAt = (hooks[after] as HookRun).at;
      t.check(beforeAt <= restoreNext.startedAt + CLOCK_SLACK_MS, {
        message: 'the before-snapshot hook ran after the runtime called restore/next',
        expected: `before-snapshot at or before ${restoreNext.startedAt.toFixed(1)} (restore/next)`,
        actual: `${ran}; restore/next: ${show(restoreNext)}`,
      });
      t.check(afterAt + CLOCK_SLACK_MS >= restoreNext.endedAt, {
        message: 'the after-restore hook ran before restore/next was answered (before the environment was restored)',
        expected: `after-restore at or after ${restoreNext.endedAt.toFixed(1)} (restore/next answered)`,
        actual: `${ran}; restore/next: ${show(restoreNext)}`,
      });
      const firstNext = gen.find((e) => e.route === 'next');
      t.check(firstNext !== undefined && afterAt <= firstNext.startedAt + CLOCK_SLACK_MS, {
        message: 'the runtime asked for its first event before its after-restore hook ran',
        expected: 'the after-restore hook, then GET /runtime/invocation/next',
        actual: `${ran}; first /next: ${show(firstNext)}`,
      });
    },
  ),
  scenario(
    {
      id: 'restore.after-restore-error',
      level: 'MUST',
      feature: 'snapstart',
      title: 'Reports a failing after-restore hook through /runtime/restore/error',
      requirement:
        'When an after-restore hook fails, the runtime POSTs /runtime/restore/error with a Lambda-Runtime-Function-Error-Type of the form Runtime.<Name> (such as Runtime.AfterRestoreError), not /runtime/init/error, and does not go on to /next.',
    },
    async (t: ScenarioContext) => {
      const { r, gen, restoreNext, init } = await restoredOnce(t, { probe: 'echo', value: 1 }, 'fail');
      if (restoreNext?.status !== 200) {
        t.precondition({ message: `the runtime never called restore/next, so no after-restore hook could run (${describeInit(init)})`, expected: 'GET /runtime/restore/next → 200', actual: routesOf(gen) }, 'restore.order');
      }
      const restoreErrors = gen.filter((e) => e.route === 'restore-error');
      const initErrors = gen.filter((e) => e.route === 'init-error' && e.startedAt >= restoreNext.startedAt);
      t.check(restoreErrors.length === 1 && restoreErrors[0]?.status === 202, {
        message:
          restoreErrors.length === 0
            ? `no POST /runtime/restore/error after the after-restore hook failed${initErrors.length ? ' (it posted /runtime/init/error instead, which is refused after restore/next)' : ''}`
            : `${restoreErrors.length} POSTs to /runtime/restore/error (${restoreErrors.map((e) => e.status).join(', ')})`,
        expected: 'one POST /runtime/restore/error → 202',
        actual: routesOf(gen),
      });
      const type = restoreErrors[0]?.requestHeaders['lambda-runtime-function-error-type'];
      t.check(type !== undefined && /^Runtime\.[A-Z][a-zA-Z]+$/.test(type), {
        message: `the restore error's Lambda-Runtime-Function-Error-Type is ${type === undefined ? 'missing' : JSON.stringify(type)}`,
        expected: 'Runtime.<Name>, such as Runtime.AfterRestoreError',
        actual: String(type),
      });
      const laterNext = gen.filter((e) => e.route === 'next');
      t.check(laterNext.length === 0, {
        message: 'the runtime called /next after its restore failed',
        expected: 'no /next after POST /runtime/restore/error',
        actual: routesOf(gen),
      });
      t.check(r.outcome !== 'success', { message: 'the invocation succeeded although the restore failed', expected: 'a failed restore', actual: describeOutcome(r) });
    },
  ),
  scenario(
    {
      id: 'restore.before-snapshot-error',
      level: 'MUST',
      feature: 'snapstart',
      title: 'Reports a failing before-snapshot hook through /runtime/init/error, and takes no snapshot',
      requirement:
        'When a before-snapshot hook fails, the runtime POSTs /runtime/init/error (init failed: no snapshot can be taken) and does not call /runtime/restore/next.',
    },
    async (t: ScenarioContext) => {
      const { gen, init } = await restoredOnce(t, { probe: 'echo', value: 1 }, 'before-fail');
      const initErrors = gen.filter((e) => e.route === 'init-error');
      const restoreCalls = gen.filter((e) => e.route === 'restore-next' || e.route === 'restore-error');
      t.check(restoreCalls.length === 0, {
        message: 'the runtime called the restore endpoints although a before-snapshot hook failed',
        expected: 'POST /runtime/init/error, no restore/next',
        actual: routesOf(gen),
      });
      t.check(initErrors.length === 1 && initErrors[0]?.status === 202, {
        message: `the failed before-snapshot hook was not reported through /runtime/init/error (${describeInit(init)})`,
        expected: 'one POST /runtime/init/error → 202',
        actual: routesOf(gen),
      });
    },
  ),
  scenario(
    {
      id: SERVES,
      level: 'MUST',
      feature: 'snapstart',
      title: 'Serves invocations after a restore',
      requirement: 'After a restore, the runtime asks for events and answers them: invocations succeed, in the restored process.',
    },
    async (t: ScenarioContext) => {
      const env: ExecutionEnvironment = await t.environment({ snapStart: true, retryInitOnInvoke: false });
      const first = await t.probe(env, { probe: 'counter' });
      const init = first.inits[0];
      const gen = env.exchanges.filter((e) => e.generation === (init?.generation ?? first.generation));
      t.check(first.outcome === 'success', {
        message: `the first invocation after the restore did not succeed (${describeInit(init)})`,
        expected: 'a successful invocation',
        actual: `${describeOutcome(first)}; ${routesOf(gen)}`,
      });
      const second = await t.probe(env, { probe: 'counter' });
      t.check(second.outcome === 'success' && second.generation === first.generation, {
        message: 'the second invocation after the restore did not succeed in the same process',
        expected: 'a successful invocation, no re-init',
        actual: describeOutcome(second),
      });
    },
  ),
]);
