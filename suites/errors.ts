import type { ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';
import { parseJson } from '../harness/suite/checks.ts';
import type { Counter } from '../harness/suite/verify.ts';

const THROW = { probe: 'throw', errorType: 'BootspecProbeError', message: 'probe says no' };

export default area('errors', 'Handler errors', [
  scenario(
    {
      id: 'errors.error-endpoint',
      level: 'MUST',
      title: 'Reports a handler error through /error',
      requirement: 'When the handler throws, the runtime POSTs /runtime/invocation/{id}/error (not /response) and does not crash.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      await t.given(env, { probe: 'echo', value: 1 });
      const r = await t.probe(env, THROW);
      t.verify.postedError(r);
    },
  ),
  scenario(
    {
      id: 'errors.error-body',
      level: 'SHOULD',
      title: 'Error body carries the thrown type and message',
      requirement: 'The /error body is JSON with errorType naming the thrown error and errorMessage its message (stackTrace optional).',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      await t.given(env, { probe: 'echo', value: 1 });
      const r = await t.probe(env, THROW);
      t.pre.postedError(r);
      const text = r.runtimeResult.payload.toString('utf8');
      const body = parseJson(text) as Record<string, unknown> | undefined;
      t.check(body?.errorType === THROW.errorType && body?.errorMessage === THROW.message, {
        message: 'the error body does not carry the thrown type and message',
        expected: `{"errorType":"${THROW.errorType}","errorMessage":"${THROW.message}",…}`,
        actual: text.slice(0, 300),
      });
      t.note(`Lambda-Runtime-Function-Error-Type header: ${JSON.stringify(r.runtimeResult.errorTypeHeader ?? null)} (optional)`);
    },
  ),
  scenario(
    {
      id: 'errors.warm-after-error',
      level: 'SHOULD',
      title: 'Survives a handler error',
      requirement: 'After reporting a handler error the same process serves the next invocation (a runtime that exits on every error pays a cold start per failure).',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      const before = await t.givenWarm(env);
      await t.probe(env, THROW);
      const r = await t.probe(env, { probe: 'counter' });
      const after = t.pre.json<Counter>(env, r, 'the invocation after the error', 'counter');
      t.verify.sameProcess(before, after, r, 'a new runtime process served the invocation after the error');
    },
  ),
  scenario(
    {
      id: 'errors.xray-cause',
      level: 'SHOULD',
      title: 'An X-Ray error cause, if sent, is valid',
      requirement: 'Lambda-Runtime-Function-XRay-Error-Cause, when sent, is a JSON object with working_directory, paths, exceptions or message; an invalid one is silently dropped.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      await t.given(env, { probe: 'echo', value: 1 });
      const r = await t.probe(env, THROW);
      t.pre.postedError(r);
      const cause = r.runtimeResult.xrayCause;
      // Sending a cause is optional: a runtime that sends none leaves nothing to judge here.
      if (cause === undefined) return t.nothingToJudge('the runtime sends no Lambda-Runtime-Function-XRay-Error-Cause header (optional)');
      const parsed = parseJson(cause);
      const ok = !!parsed && typeof parsed === 'object' && ['working_directory', 'paths', 'exceptions', 'message'].some((k) => k in (parsed as object));
      t.check(ok, {
        message: 'the X-Ray error cause header is not a valid cause document',
        expected: 'JSON with working_directory / paths / exceptions',
        actual: cause.slice(0, 300),
      });
    },
  ),
]);
