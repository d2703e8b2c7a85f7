import { setTimeout as sleep } from 'node:timers/promises';
import type { ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';
import { describeOutcome, isPost, resultPosts, routesOf, SETTLE_MS } from '../harness/suite/checks.ts';

const HEADER = 'lambda-runtime-invocation-id';
const EVENTS = [
  { probe: 'echo', value: 1 },
  { probe: 'throw', errorType: 'BootspecProbeError', message: 'x' },
];

export default area('invocation-id', 'Lambda-Runtime-Invocation-Id', [
  scenario(
    {
      id: 'invocation-id.echo',
      level: 'SHOULD',
      title: 'Echoes Lambda-Runtime-Invocation-Id on its result',
      requirement: 'When /next carries Lambda-Runtime-Invocation-Id, the runtime sends the same value as a header on /response and /error (cross-wiring protection, 2026).',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment({ sendInvocationId: true });
      await t.given(env, { probe: 'echo', value: 0 });
      for (const event of EVENTS) {
        const r = await t.probe(env, event);
        // this invocation's own post (a late duplicate of the previous one may be in the window too)
        const post = resultPosts(r.exchanges, r.requestId)[0];
        const want = r.request.invocationId;
        t.check(post?.requestHeaders[HEADER] === want, {
          message: `the ${post?.route ?? 'result'} post did not echo the invocation id`,
          expected: `${HEADER}: ${want}`,
          actual: post ? `${HEADER}: ${post.requestHeaders[HEADER] ?? '(absent)'}` : 'no post',
          records: [r],
        });
      }
    },
  ),
  scenario(
    {
      id: 'invocation-id.not-invented',
      level: 'SHOULD',
      title: 'Sends no invocation id when none was given',
      requirement: 'A runtime never sends Lambda-Runtime-Invocation-Id when /next did not supply one.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment({ sendInvocationId: false });
      // Serving invocations without the header at all is headers.optional-absent's subject.
      const first = await t.probe(env, { probe: 'echo', value: 0 });
      t.pre.that(first.outcome === 'success', { message: 'an invocation without Lambda-Runtime-Invocation-Id failed', expected: 'success', actual: describeOutcome(first), records: [first] }, 'headers.optional-absent');
      for (const event of EVENTS) await t.probe(env, event);
      await sleep(SETTLE_MS);
      const sent = env.exchanges.filter((e) => isPost(e) && e.requestHeaders[HEADER] !== undefined);
      t.check(sent.length === 0, {
        message: 'the runtime sent an invocation id that /next never gave it',
        expected: `no ${HEADER} header`,
        actual: `${routesOf(sent)} with ${sent.map((e) => e.requestHeaders[HEADER]).join(', ')}`,
        exchanges: sent,
      });
    },
  ),
]);
