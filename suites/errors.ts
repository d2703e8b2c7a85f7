import type { ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';
import { describeOutcome, parseJson } from '../harness/suite/checks.ts';

const THROW = { probe: 'throw', errorType: 'BootspecProbeError', message: 'probe says no' };

export default area('errors', 'Handler errors', [
  scenario(
    {
      id: 'errors.error-endpoint',
      level: 'MUST',
      title: 'Reports a handler error through /error',
      requirement: 'When the handler throws, the runtime POSTs /runtime/invocation/{id}/error (not /response) and does not crash.',
      source: 'SPEC.md §1.5, §12.D.18',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      const r = await t.probe(env, THROW);
      t.check(r.runtimeResult?.kind === 'error', {
        message: r.runtimeResult?.kind === 'response' ? 'the error was posted to /response as if it were a result' : 'the error did not reach /error',
        expected: 'POST …/error',
        actual: describeOutcome(r),
      });
    },
  ),
  scenario(
    {
      id: 'errors.error-body',
      level: 'SHOULD',
      title: 'Error body carries the thrown type and message',
      requirement: 'The /error body is JSON with errorType naming the thrown error and errorMessage its message (stackTrace optional).',
      source: 'SPEC.md §1.5, §4.3, §12.D.22',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      const r = await t.probe(env, THROW);
      t.check(r.runtimeResult?.kind === 'error', { message: 'the error did not reach /error', expected: 'POST …/error', actual: describeOutcome(r) });
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
      source: 'SPEC.md §12.D.24',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      const before = t.result<{ initId: string }>(await t.probe(env, { probe: 'counter' }));
      await t.probe(env, THROW);
      const r = await t.probe(env, { probe: 'counter' });
      const after = t.result<{ initId: string; count: number }>(r);
      t.check(after.initId === before.initId, {
        message: 'a new runtime process served the invocation after the error',
        expected: `initId ${before.initId} (count 2)`,
        actual: `initId ${after.initId} (count ${after.count}); suppressed init: ${r.suppressedInit}`,
      });
    },
  ),
  scenario(
    {
      id: 'errors.xray-cause',
      level: 'SHOULD',
      title: 'An X-Ray error cause, if sent, is valid',
      requirement: 'Lambda-Runtime-Function-XRay-Error-Cause, when sent, is a JSON object with working_directory, paths, exceptions or message; an invalid one is silently dropped.',
      source: 'SPEC.md §1.5, §12.D.22',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      const r = await t.probe(env, THROW);
      const cause = r.runtimeResult?.kind === 'error' ? r.runtimeResult.xrayCause : undefined;
      if (cause === undefined) return t.note('no X-Ray cause header sent');
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
