import type { ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';
import { describeOutcome } from '../harness/suite/checks.ts';

export default area('headers', '/next headers', [
  scenario(
    {
      id: 'headers.optional-absent',
      level: 'SHOULD',
      title: 'Works when every optional /next header is absent',
      requirement:
        'Lambda-Runtime-Trace-Id, -Client-Context, -Cognito-Identity, -Aws-Tenant-Id and -Invocation-Id may all be absent; the runtime does not require them.',
      source: 'SPEC.md §1.3, §12.B.13',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment({ sendInvocationId: false });
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
      source: 'SPEC.md §1.3, §12.B.14',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      for (const headerCase of ['lower', 'upper'] as const) {
        const r = await t.probe(env, { probe: 'context' }, { headerCase });
        const ctx = r.outcome === 'success' ? t.result<{ requestId: string }>(r) : undefined;
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
