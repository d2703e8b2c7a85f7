import type { ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';
import { describeOutcome, routesOf } from '../harness/suite/checks.ts';

export default area('startup', 'Startup and the Runtime API endpoint', [
  scenario(
    {
      id: 'startup.runtime-api-address',
      level: 'MUST',
      title: 'Reaches the Runtime API at AWS_LAMBDA_RUNTIME_API',
      requirement: 'The runtime reads the API endpoint from AWS_LAMBDA_RUNTIME_API (host:port, no scheme) and never assumes 127.0.0.1:9001.',
      source: 'SPEC.md §1.1, §12.A.1',
      timeoutMs: 45_000,
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      const r = await t.probe(env, { probe: 'echo', value: 'ping' });
      const first = r.inits[0];
      t.check(first === undefined || first.kind !== 'timeout', {
        message: `the runtime never called GET /2018-06-01/runtime/invocation/next on ${env.api.address} (the AWS_LAMBDA_RUNTIME_API it was given) within the init budget`,
        expected: `a /next request to ${env.api.address}`,
        actual: `init timed out; requests seen: ${routesOf(env.exchanges) || 'none'}`,
      });
      t.check(r.outcome === 'success', { message: 'the first invocation failed', expected: 'success', actual: describeOutcome(r) });
    },
  ),
  scenario(
    {
      id: 'startup.api-prefix',
      level: 'MUST',
      title: 'Uses the /2018-06-01 prefix on every call',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell-style variable is the documented form
      requirement: 'Every Runtime API call goes to http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/…; other paths are answered 404.',
      source: 'SPEC.md §1.1, §12.A.2',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      await t.probe(env, { probe: 'echo', value: 1 });
      await t.probe(env, { probe: 'throw', errorType: 'BootspecProbeError', message: 'x' });
      const stray = env.exchanges.filter((e) => e.route === 'not-found' || e.route === 'method-not-allowed');
      t.check(stray.length === 0, {
        message: `${stray.length} request(s) went to paths the Runtime API does not have`,
        expected: 'only /2018-06-01/runtime/… paths with their methods',
        actual: routesOf(stray),
        exchanges: stray,
      });
    },
  ),
  scenario(
    {
      id: 'startup.init-budget',
      level: 'MUST',
      title: 'Finishes init within 10 s',
      requirement: 'On-demand functions have 10 s for the Init phase, which ends when the runtime first calls /next.',
      source: 'SPEC.md §3.1, §12.A.6',
      timeoutMs: 45_000,
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      const r = await t.probe(env, { probe: 'echo', value: 1 });
      const first = r.inits[0];
      t.check(first?.kind === 'ready', {
        message: 'init did not end with a /next within the 10 s budget',
        expected: 'GET /next within 10,000 ms of the start',
        actual: first ? `${first.kind} after ${Math.round(first.durationMs)} ms` : 'no init',
      });
      t.note(`init took ${Math.round(first.durationMs)} ms`);
    },
  ),
  scenario(
    {
      id: 'startup.env-tolerance',
      level: 'SHOULD',
      title: 'Tolerates missing optional and unknown extra environment variables',
      requirement:
        'The runtime starts without optional variables such as AWS_LAMBDA_LOG_GROUP_NAME, AWS_LAMBDA_LOG_STREAM_NAME, AWS_REGION, and ignores variables it does not know.',
      source: 'SPEC.md §5, §12.A.7',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment({
        dropEnv: ['AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_REGION', 'AWS_DEFAULT_REGION'],
        extraEnv: { BOOTSPEC_UNKNOWN_VARIABLE: '1', AWS_LAMBDA_FUTURE_SETTING: 'x' },
      });
      const r = await t.probe(env, { probe: 'echo', value: 'ok' });
      t.check(r.outcome === 'success', {
        message: 'the runtime failed when optional variables were missing',
        expected: 'success without AWS_LAMBDA_LOG_GROUP_NAME/STREAM_NAME, AWS_REGION, AWS_DEFAULT_REGION',
        actual: describeOutcome(r),
      });
    },
  ),
]);
