import type { ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';
import { describeOutcome } from '../harness/suite/checks.ts';

export default area('lifecycle', 'Timeouts, crashes and re-init', [
  scenario(
    {
      id: 'lifecycle.timeout-reinit',
      level: 'MUST',
      title: 'Starts cleanly again after a timeout',
      requirement:
        'An invocation past its deadline ends as Sandbox.Timedout and the environment is reset; the next invocation starts a fresh runtime process (suppressed init), which must start cleanly with /tmp as the old one left it.',
      source: 'SPEC.md §3.3, §12.G.35',
      timeoutMs: 45_000,
    },
    async (t: ScenarioContext) => {
      const env = await t.environment({ timeoutS: 2 });
      const slow = await t.probe(env, { probe: 'sleep', ms: 5000 });
      t.check(slow.outcome === 'timeout' && slow.errorType === 'Sandbox.Timedout', {
        message: 'the slow invocation did not end as a timeout',
        expected: 'Sandbox.Timedout: Task timed out after 2.00 seconds',
        actual: describeOutcome(slow),
      });
      const r = await t.probe(env, { probe: 'echo', value: 'after timeout' });
      t.check(r.outcome === 'success' && r.suppressedInit, {
        message: 'the runtime did not start again after the timeout',
        expected: 'a fresh process (suppressed init) that serves the invocation',
        actual: describeOutcome(r),
        records: [slow, r],
      });
    },
  ),
  scenario(
    {
      id: 'lifecycle.exit-reinit',
      level: 'MUST',
      title: 'Starts cleanly again after a crash',
      requirement:
        'A runtime process that exits during an invocation yields Runtime.ExitError with its exit status; the next invocation starts a fresh process, which must start cleanly.',
      source: 'SPEC.md §3.4',
      timeoutMs: 45_000,
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      const crash = await t.probe(env, { probe: 'exit', code: 7 });
      t.check(crash.outcome === 'runtime-exit' && crash.exit?.code === 7, {
        message: 'the exit did not end the invocation as Runtime.ExitError with status 7',
        expected: 'Runtime.ExitError: Runtime exited with error: exit status 7',
        actual: describeOutcome(crash),
      });
      const r = await t.probe(env, { probe: 'echo', value: 'after crash' });
      t.check(r.outcome === 'success' && r.suppressedInit, {
        message: 'the runtime did not start again after the crash',
        expected: 'a fresh process (suppressed init) that serves the invocation',
        actual: describeOutcome(r),
        records: [crash, r],
      });
    },
  ),
]);
