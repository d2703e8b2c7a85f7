import type { ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';
import { lifecycleText, withProbeExtension } from '../harness/suite/probe-extension.ts';

export default area('extensions', 'Extensions beside the runtime', [
  scenario(
    {
      id: 'extensions.external-present',
      level: 'MUST',
      title: 'Works with an external extension present',
      requirement: 'With an external extension in /opt/extensions (started before the runtime, registered for INVOKE and SHUTDOWN), the runtime starts and serves invocations as it does alone.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment({ files: withProbeExtension(t) });
      const r1 = await t.probe(env, { probe: 'echo', value: 1 });
      const r2 = r1.outcome === 'success' ? await t.probe(env, { probe: 'echo', value: 2 }) : r1;
      if (r1.outcome === 'success' && r2.outcome === 'success') return;
      // A runtime that does not work at all is blamed by the scenarios that cover that, not here.
      await t.baseline();
      const bad = r1.outcome === 'success' ? r2 : r1;
      t.fail({
        message: `with an external extension present, an invocation ended as ${bad.outcome}${bad.errorType ? ` (${bad.errorType})` : ''}, while the runtime works alone`,
        expected: 'two successful echo invocations',
        actual: `${bad.response.payload.toString('utf8').slice(0, 300)}\n${lifecycleText(env)}`,
        records: [bad],
      });
    },
  ),
  scenario(
    {
      id: 'extensions.sigterm-exit',
      level: 'SHOULD',
      // Only for runtimes that say they handle SIGTERM: how fast a runtime that never asked for the
      // signal dies of it (a JVM takes 200-400 ms) is its platform's timing, not a claim to judge.
      feature: 'sigterm',
      notWithDriver: { driver: 'container', why: 'a signal to a process started with docker exec reaches it late (after the 300 ms it is judged on), so the timing would be the driver\'s, not the runtime\'s' },
      title: 'Exits on SIGTERM within its share of the shutdown',
      requirement: 'When an environment with an external extension shuts down, the runtime gets SIGTERM and should exit within its 300 ms share of the shutdown budget, before Lambda sends SIGKILL.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment({ files: withProbeExtension(t) });
      const r = await t.probe(env, { probe: 'echo', value: 1 });
      t.pre.that(
        r.outcome === 'success',
        { message: `with an external extension present, the set-up echo ended as ${r.outcome}`, expected: 'a successful echo', actual: r.response.payload.toString('utf8').slice(0, 300), records: [r] },
        'extensions.external-present',
      );
      await env.close();
      const sigterm = env.lifecycle.find((e) => e.kind === 'sigterm' && e.detail === 'runtime');
      if (!sigterm) throw new Error('bootspec: the shutdown sent no SIGTERM to the runtime beside an external extension');
      const killed = env.lifecycle.find((e) => e.kind === 'sigkill' && e.detail?.startsWith('runtime'));
      t.check(killed === undefined, {
        message: 'the runtime was still running 300 ms after SIGTERM and was killed (SIGKILL)',
        expected: 'the runtime exits after SIGTERM, within 300 ms',
        actual: lifecycleText(env),
      });
    },
  ),
  scenario(
    {
      id: 'extensions.internal-registered',
      level: 'MUST',
      feature: 'internal-extension',
      title: 'Registers its internal extension during init, so that SIGTERM comes at shutdown',
      requirement:
        'A runtime client with an internal extension (aws-lambda-go registers one so that Lambda sends SIGTERM before SIGKILL) registers it from the runtime process during init, before its first /next, and the registration is accepted; with it, the runtime gets SIGTERM at shutdown even when no external extension is present.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      await t.given(env, { probe: 'echo', value: 1 });
      const registers = env.exchanges.filter((x) => x.route === 'extension-register');
      const shown = registers.map((x) => `${x.method} ${x.path} (${x.requestBodyExcerpt}) → ${x.status} ${x.responseBodyExcerpt}`).join('\n');
      t.check(registers.length > 0, {
        message: 'the runtime claims an internal extension, but its process never registered one',
        expected: 'POST /2020-01-01/extension/register from the runtime during init',
        actual: 'no registration',
      });
      t.check(registers.some((x) => x.status === 200), {
        message: `the registration of its internal extension was refused (${registers.map((x) => x.status).join(', ')})`,
        expected: '200, during init (before the first /next), for no event or INVOKE only (SHUTDOWN is for external extensions)',
        actual: shown,
        exchanges: registers,
      });
      await env.close();
      // Whether the runtime then exits in its share of the budget is extensions.sigterm-exit's subject.
      if (!env.lifecycle.some((e) => e.kind === 'sigterm' && e.detail === 'runtime')) {
        throw new Error(`bootspec: an internal extension registered, but the shutdown sent the runtime no SIGTERM\n${lifecycleText(env)}`);
      }
    },
  ),
]);
