import type { ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';

export default area('lifecycle', 'Timeouts, crashes and re-init', [
  scenario(
    {
      id: 'lifecycle.timeout-reinit',
      level: 'MUST',
      title: 'Starts cleanly again after a timeout',
      requirement:
        'An invocation past its deadline ends as Sandbox.Timedout and the environment is reset; the next invocation starts a fresh runtime process (suppressed init), which must start cleanly with /tmp as the old one left it.',
      timeoutMs: 45_000,
    },
    async (t: ScenarioContext) => {
      // The slow invocation alone gets 2 s; the re-init after it has the function's 10 s, as a slow JVM start needs.
      const env = await t.environment({ timeoutS: 10 });
      await t.given(env, { probe: 'echo', value: 'before' });
      const slow = await t.probe(env, { probe: 'sleep', ms: 5000 }, { timeoutMs: 2000 });
      // The platform ends it, whatever the runtime does: a miss here is bootspec's, not the runtime's.
      t.verify.timedOut(slow);
      const r = await t.probe(env, { probe: 'echo', value: 'after timeout' });
      t.verify.restarted(r, 'the timeout', 'lifecycle.timeout-reinit');
    },
  ),
  scenario(
    {
      id: 'lifecycle.exit-reinit',
      level: 'MUST',
      title: 'Starts cleanly again after a crash',
      requirement:
        'A runtime process that exits during an invocation yields Runtime.ExitError with its exit status; the next invocation starts a fresh process, which must start cleanly.',
      timeoutMs: 45_000,
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      await t.given(env, { probe: 'echo', value: 'before' });
      const crash = await t.probe(env, { probe: 'exit', code: 7 });
      // Whether the exit status survives is init.exit.status's finding; this one judges the restart.
      t.pre.exited(crash, 'lifecycle.exit-reinit');
      const r = await t.probe(env, { probe: 'echo', value: 'after crash' });
      t.verify.restarted(r, 'the crash', 'lifecycle.exit-reinit');
    },
  ),
]);
