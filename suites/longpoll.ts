import { setTimeout as sleep } from 'node:timers/promises';
import type { ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';
import { describeOutcome, routesOf } from '../harness/suite/checks.ts';

export default area('longpoll', 'The /next long poll', [
  scenario(
    {
      id: 'longpoll.idle',
      level: 'MUST',
      title: 'Waits on /next without a client timeout',
      requirement:
        'GET /next may stay unanswered for any time (the sandbox may be frozen); the runtime must not time it out, abort it or give up. Gap: 10 s by default, --idle to change, 65 s with --thorough.',
      source: 'SPEC.md §1.3, §12.B.8',
      timeoutMs: 200_000,
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      const first = t.result<{ initId: string }>(await t.probe(env, { probe: 'counter' }));
      // Idle on purpose: this gap is what the scenario measures.
      await sleep(t.target.idleMs);
      const r = await t.probe(env, { probe: 'counter' });
      const aborted = env.exchanges.filter((e) => e.route === 'next' && e.clientAborted);
      t.check(aborted.length === 0, {
        message: `the runtime abandoned ${aborted.length} GET /next request(s) during a ${t.target.idleMs / 1000} s idle gap`,
        expected: 'one /next that waits until the event comes',
        actual: routesOf(aborted),
        exchanges: aborted,
      });
      const after = t.result<{ initId: string }>(r, `the invocation after ${t.target.idleMs / 1000} s idle`);
      t.check(after.initId === first.initId && !r.suppressedInit, {
        message: 'the runtime did not wait: a new process served the invocation after the idle gap',
        expected: `the same process (initId ${first.initId})`,
        actual: `initId ${after.initId}; ${describeOutcome(r)}`,
      });
    },
  ),
]);
