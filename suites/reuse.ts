import { randomUUID } from 'node:crypto';
import type { ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';
import { type Counter, COVERED } from '../harness/suite/verify.ts';

export default area('reuse', 'Reuse of globals and /tmp', [
  scenario(
    {
      id: 'reuse.globals-warm',
      level: 'SHOULD',
      title: 'Globals persist across warm invokes',
      requirement: 'Between invocations the runtime keeps its process, so module-level state survives (warm reuse).',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      const seen: Counter[] = [];
      for (let i = 0; i < 3; i++) seen.push(t.pre.json<Counter>(env, await t.probe(env, { probe: 'counter' }), `counter invocation ${i + 1}`, 'counter'));
      const [a, , c] = seen as [Counter, Counter, Counter];
      t.check(c.initId === a.initId && c.count === a.count + 2, {
        message: 'module state did not survive between invocations',
        expected: `one initId, counts ${a.count}, ${a.count + 1}, ${a.count + 2}`,
        actual: seen.map((s) => `${s.initId.slice(0, 8)}#${s.count}`).join(', '),
      });
    },
  ),
  scenario(
    {
      id: 'reuse.tmp-warm',
      level: 'MUST',
      needsPathFidelity: true,
      title: '/tmp persists across warm invokes',
      requirement: 'Files written to /tmp stay there for later invocations in the same environment.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      const file = `bootspec-${randomUUID()}`;
      // A process that does not live from one invocation to the next is reuse.globals-warm's finding.
      await t.givenWarm(env);
      const counts = [];
      for (let i = 0; i < 3; i++) counts.push(t.pre.json<{ lines: number }>(env, await t.probe(env, { probe: 'tmp', file }), `tmp invocation ${i + 1}`, 'tmp').lines);
      t.check(counts.join(',') === '1,2,3', { message: `/tmp/${file} did not keep its lines`, expected: '1,2,3', actual: counts.join(',') });
    },
  ),
  scenario(
    {
      id: 'reuse.tmp-after-reset',
      level: 'MUST',
      needsPathFidelity: true,
      title: '/tmp survives a reset, globals do not',
      requirement: 'After a timeout the environment is reset: a new runtime process starts (globals start over) and /tmp is kept; the runtime must not assume /tmp is empty.',
      timeoutMs: 45_000,
    },
    async (t: ScenarioContext) => {
      // The slow invocation alone gets 2 s; the re-init after it has the function's 10 s, as a slow JVM start needs.
      const env = await t.environment({ timeoutS: 10 });
      const file = `bootspec-${randomUUID()}`;
      // /tmp must keep files between warm invocations first: reuse.tmp-warm judges that.
      const first = await t.given<{ lines: number }>(env, { probe: 'tmp', file });
      const warm = await t.given<{ lines: number }>(env, { probe: 'tmp', file: `${file}-warm` });
      const warmAgain = await t.given<{ lines: number }>(env, { probe: 'tmp', file: `${file}-warm` });
      t.pre.that(warm.lines === 1 && warmAgain.lines === 2, { message: '/tmp did not keep a file between warm invocations', expected: 'lines 1 then 2', actual: `lines ${warm.lines} then ${warmAgain.lines}` }, COVERED.tmpWarm);
      const c1 = await t.given<Counter>(env, { probe: 'counter' });
      const slow = await t.probe(env, { probe: 'sleep', ms: 5000 }, { timeoutMs: 2000 });
      t.pre.timedOut(slow);
      const second = await t.probe(env, { probe: 'tmp', file });
      // Starting again after a timeout is lifecycle.timeout-reinit's subject.
      t.pre.restarted(second, 'the timeout', COVERED.timeoutReinit);
      const lines = t.pre.json<{ lines: number }>(env, second, 'the first invocation after the reset', 'tmp').lines;
      t.check(first.lines === 1 && lines === 2, {
        message: `/tmp/${file} was not there after the reset`,
        expected: 'lines 1 then 2',
        actual: `lines ${first.lines} then ${lines}`,
        records: [slow, second],
      });
      const c2 = await t.given<Counter>(env, { probe: 'counter' });
      t.note(`globals ${c2.initId !== c1.initId ? 'started over' : 'were kept'} after the reset (initId ${c1.initId.slice(0, 8)} → ${c2.initId.slice(0, 8)})`);
    },
  ),
]);
