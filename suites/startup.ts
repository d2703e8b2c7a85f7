import type { ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';
import { describeOutcome, routesOf } from '../harness/suite/checks.ts';
import { COVERED } from '../harness/suite/verify.ts';

export default area('startup', 'Startup and the Runtime API endpoint', [
  scenario(
    {
      id: 'startup.runtime-api-address',
      level: 'MUST',
      title: 'Reaches the Runtime API at AWS_LAMBDA_RUNTIME_API',
      requirement: 'The runtime reads the API endpoint from AWS_LAMBDA_RUNTIME_API (host:port, no scheme) and never assumes 127.0.0.1:9001.',
      timeoutMs: 45_000,
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      const r = await t.probe(env, { probe: 'echo', value: 'ping' });
      // The subject is reaching the address at all, in any process generation: a slow first init
      // that reaches it late is startup.init-budget's finding, a failing echo results.echo's.
      t.check(env.exchanges.length > 0, {
        message: `the runtime never made a request to ${env.api.address}, the AWS_LAMBDA_RUNTIME_API it was given`,
        expected: `a GET /2018-06-01/runtime/invocation/next to ${env.api.address}`,
        actual: `no request; ${describeOutcome(r)}`,
      });
    },
  ),
  scenario(
    {
      id: 'startup.api-prefix',
      level: 'MUST',
      title: 'Uses the /2018-06-01 prefix on every call',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell-style variable is the documented form
      requirement: 'Every Runtime API call goes to http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/…; other paths are answered 404.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      await t.given(env, { probe: 'echo', value: 1 });
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
      timeoutMs: 45_000,
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      const r = await t.probe(env, { probe: 'echo', value: 1 });
      t.pre.that(env.exchanges.length > 0, { message: 'the runtime never reached its Runtime API', expected: 'a /next request', actual: describeOutcome(r) }, COVERED.reach);
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
    },
    async (t: ScenarioContext) => {
      const env = await t.environment({
        dropEnv: ['AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_REGION', 'AWS_DEFAULT_REGION'],
        extraEnv: { BOOTSPEC_UNKNOWN_VARIABLE: '1', AWS_LAMBDA_FUTURE_SETTING: 'x' },
      });
      const r = await t.probe(env, { probe: 'echo', value: 'ok' });
      if (r.outcome !== 'success') await t.baseline();
      t.check(r.outcome === 'success', {
        message: 'the runtime failed when optional variables were missing',
        expected: 'success without AWS_LAMBDA_LOG_GROUP_NAME/STREAM_NAME, AWS_REGION, AWS_DEFAULT_REGION',
        actual: describeOutcome(r),
      });
    },
  ),
]);
