import type { ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';
import { describeOutcome, parseJson } from '../harness/suite/checks.ts';
import { COVERED } from '../harness/suite/verify.ts';

export default area('headers', '/next headers', [
  scenario(
    {
      id: 'headers.optional-absent',
      level: 'SHOULD',
      title: 'Works when every optional /next header is absent',
      requirement:
        'Lambda-Runtime-Trace-Id, -Client-Context, -Cognito-Identity, -Aws-Tenant-Id and -Invocation-Id may all be absent; the runtime does not require them.',
    },
    async (t: ScenarioContext) => {
      // Set up with the usual headers; only the judged invocation goes without every optional one.
      const env = await t.environment();
      await t.given(env, { probe: 'context' });
      // Doing without the trace header alone is trace.absent-no-crash's finding.
      const noTrace = await t.probe(env, { probe: 'context' }, { traceId: null });
      t.pre.that(noTrace.outcome === 'success', { message: 'the invocation without a trace header failed', expected: 'success', actual: describeOutcome(noTrace), records: [noTrace] }, COVERED.traceAbsent);
      const r = await t.probe(env, { probe: 'context' }, { traceId: null, clientContext: null, cognitoIdentity: null, tenantId: null, invocationId: null });
      t.check(r.outcome === 'success', { message: 'the invocation with only the required headers failed', expected: 'success', actual: describeOutcome(r) });
    },
  ),
  scenario(
    {
      id: 'headers.case-insensitive',
      level: 'SHOULD',
      title: 'Reads header names case-insensitively',
      requirement: 'HTTP header names are case-insensitive; the runtime finds Lambda-Runtime-* headers however they are spelled.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      // With the canonical spelling the handler must see the request id: context.request-id judges that.
      const canonical = await t.probe(env, { probe: 'context' });
      const seen = t.pre.json<{ requestId: string }>(env, canonical, 'the context probe', 'context');
      t.pre.that(seen.requestId === canonical.requestId, { message: 'even with canonical header names the handler did not see the request id', expected: canonical.requestId, actual: JSON.stringify(seen.requestId) }, COVERED.requestId);
      for (const headerCase of ['lower', 'upper'] as const) {
        const r = await t.probe(env, { probe: 'context' }, { headerCase });
        const ctx = r.outcome === 'success' ? (parseJson(r.response.payload.toString('utf8')) as { requestId: string } | undefined) : undefined;
        t.check(ctx?.requestId === r.requestId, {
          message: `with ${headerCase}-case header names the runtime did not see the request id`,
          expected: `success, requestId ${r.requestId}`,
          actual: ctx ? `requestId ${JSON.stringify(ctx.requestId)}` : describeOutcome(r),
          records: [r],
        });
      }
    },
  ),
]);
