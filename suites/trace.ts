import type { ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';
import { describeOutcome, processFailed } from '../harness/suite/checks.ts';
import { COVERED } from '../harness/suite/verify.ts';

const TRACES = [
  'Root=1-67a1b2c3-0123456789abcdef01234567;Parent=1122334455667788;Sampled=1',
  'Root=1-67a1b2c4-89abcdef0123456789abcdef;Parent=8877665544332211;Sampled=0;Lineage=a87bd80c:1|68fd508a:5',
  'Root=1-67a1b2c5-fedcba9876543210fedcba98;Parent=0123456789abcdef;Sampled=1',
];

interface Ctx {
  traceEnv: string | null;
}

export default area('trace', 'Trace header propagation', [
  scenario(
    {
      id: 'trace.per-invoke',
      level: 'MUST',
      title: '_X_AMZN_TRACE_ID follows Lambda-Runtime-Trace-Id on every invoke',
      requirement: 'Before running the handler the runtime sets _X_AMZN_TRACE_ID to exactly the Lambda-Runtime-Trace-Id of that invocation, extra fields (Lineage=…) included.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      for (const traceId of TRACES) {
        const r = await t.probe(env, { probe: 'context' }, { traceId });
        const got = t.pre.json<Ctx>(env, r, 'the context probe', 'context').traceEnv;
        t.check(got === traceId, { message: '_X_AMZN_TRACE_ID seen by the handler is not this invocation\'s trace header', expected: traceId, actual: JSON.stringify(got), records: [r] });
      }
    },
  ),
  scenario(
    {
      id: 'trace.absent-no-crash',
      level: 'MUST',
      title: 'A missing trace header does not break the runtime',
      requirement: 'Lambda-Runtime-Trace-Id may be absent (as in the AWS emulator); the runtime still serves the invocation.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      await t.given(env, { probe: 'context' }, { traceId: TRACES[0] as string });
      const r = await t.probe(env, { probe: 'context' }, { traceId: null });
      t.check(!processFailed(r) && r.outcome === 'success', { message: 'the invocation without a trace header failed', expected: 'success', actual: describeOutcome(r), records: [r] });
    },
  ),
  scenario(
    {
      id: 'trace.absent-cleared',
      level: 'SHOULD',
      title: 'No stale trace id when the header is absent',
      requirement: 'When Lambda-Runtime-Trace-Id is absent the runtime unsets _X_AMZN_TRACE_ID (or empties it) instead of keeping the previous invocation\'s value.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      // The variable must follow the header while there is one (trace.per-invoke), else clearing means nothing.
      for (const traceId of TRACES.slice(0, 2)) {
        const seen = (await t.given<Ctx>(env, { probe: 'context' }, { traceId })).traceEnv;
        t.pre.that(seen === traceId, { message: '_X_AMZN_TRACE_ID does not follow Lambda-Runtime-Trace-Id', expected: traceId, actual: JSON.stringify(seen) }, COVERED.traceSet);
      }
      const first = TRACES[1] as string;
      const r = await t.probe(env, { probe: 'context' }, { traceId: null });
      // Serving an invocation without the header is trace.absent-no-crash's subject.
      t.pre.that(r.outcome === 'success', { message: 'the invocation without a trace header failed', expected: 'success', actual: describeOutcome(r), records: [r] }, COVERED.traceAbsent);
      const got = t.pre.json<Ctx>(env, r, 'the context probe without a trace header', 'context').traceEnv;
      t.check(got !== first, { message: 'the previous invocation\'s trace id was still set', expected: 'null or ""', actual: JSON.stringify(got), records: [r] });
      t.note(`without the header the handler saw ${JSON.stringify(got)}`);
    },
  ),
]);
