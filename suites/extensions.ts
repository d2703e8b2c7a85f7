import { chmodSync, cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AssembledFiles } from '../harness/environment/types.ts';
import type { ExecutionEnvironment } from '../harness/invoke/execution-environment.ts';
import type { ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';

/** bootspec's own external extension: registers for INVOKE and SHUTDOWN and prints what it receives. */
const PROBE_EXTENSION = fileURLToPath(new URL('../runtimes-under-test/extension-probe/extensions/bootspec-probe-extension', import.meta.url));

/** The runtime's files with a private /opt that also holds the probe extension in /opt/extensions. */
function withProbeExtension(t: ScenarioContext): AssembledFiles {
  const files = t.target.files;
  const optDir = mkdtempSync(join(t.target.workDir, 'opt-ext-'));
  // mkdtemp makes it 0700: the container's unprivileged function user must be able to enter /opt.
  chmodSync(optDir, 0o755);
  cpSync(files.optDir, optDir, { recursive: true });
  mkdirSync(join(optDir, 'extensions'), { recursive: true });
  cpSync(PROBE_EXTENSION, join(optDir, 'extensions', 'bootspec-probe-extension'));
  return { ...files, optDir };
}

/** The lifecycle of an environment as evidence: one line per step. */
function lifecycleText(env: ExecutionEnvironment): string {
  const t0 = env.lifecycle[0]?.at ?? 0;
  return env.lifecycle.map((e) => `+${Math.round(e.at - t0)} ms ${e.kind}${e.detail ? ` (${e.detail})` : ''}`).join('\n');
}

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
]);
