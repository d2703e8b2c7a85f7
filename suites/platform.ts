import type { ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';

const GRACE_MS = 5_000;
/** More /next calls than this while the API answers 500 is a busy loop, not a few retries. */
const MAX_RETRIES = 10;

export default area('platform', 'Platform errors', [
  scenario(
    {
      id: 'platform.next-500',
      level: 'SHOULD',
      title: 'Exits when /next answers 500',
      requirement: 'A 500 from /next means a container error: "Runtime should exit promptly", not retry in a loop.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      await t.given(env, { probe: 'echo', value: 1 });
      const from = env.exchanges.length;
      env.injectFault({ route: 'next', status: 500, times: Number.POSITIVE_INFINITY });
      const exit = await env.waitForExit(GRACE_MS);
      const calls = env.exchanges.slice(from).filter((e) => e.route === 'next').length;
      t.check(exit !== undefined && calls <= MAX_RETRIES, {
        message: exit === undefined ? `the runtime was still running ${GRACE_MS / 1000} s after /next answered 500` : `the runtime called /next ${calls} times before exiting`,
        expected: `exit within ${GRACE_MS / 1000} s after at most ${MAX_RETRIES} attempts`,
        actual: `${exit ? `exited (${exit.signal ?? `code ${exit.code}`})` : 'running'}, ${calls} /next call(s) answered 500`,
      });
    },
  ),
  scenario(
    {
      id: 'platform.api-gone',
      level: 'SHOULD',
      title: 'Exits when the Runtime API goes away',
      requirement: 'If the Runtime API becomes unreachable (connection refused) the runtime exits instead of spinning; a tight retry loop burns billed time.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      await t.given(env, { probe: 'echo', value: 1 });
      await env.cutRuntimeApi();
      const exit = await env.waitForExit(GRACE_MS);
      t.check(exit !== undefined, {
        message: `the runtime was still running ${GRACE_MS / 1000} s after the Runtime API went away`,
        expected: `exit within ${GRACE_MS / 1000} s`,
        actual: 'still running',
      });
    },
  ),
]);
