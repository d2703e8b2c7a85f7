import { setTimeout as sleep } from 'node:timers/promises';
import type { ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';
import { routesOf } from '../harness/suite/checks.ts';
import type { Counter } from '../harness/suite/verify.ts';

export default area('longpoll', 'The /next long poll', [
  scenario(
    {
      id: 'longpoll.idle',
      level: 'MUST',
      title: 'Waits on /next without a client timeout',
      requirement:
        'GET /next may stay unanswered for any time (the sandbox may be frozen); the runtime must not time it out, abort it or give up. Gap: 10 s by default, --idle to change, 65 s with --thorough.',
      timeoutMs: 200_000,
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      // Without a gap the same process must serve two invocations (reuse.globals-warm judges that).
      const first = await t.givenWarm(env);
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
      const after = t.verify.json<Counter>(env, r, `the invocation after ${t.target.idleMs / 1000} s idle`, 'counter');
      t.verify.sameProcess(first, after, r, 'the runtime did not wait: a new process served the invocation after the idle gap');
    },
  ),
]);
