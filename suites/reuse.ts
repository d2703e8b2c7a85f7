import { randomUUID } from 'node:crypto';
import type { ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';
import { describeOutcome } from '../harness/suite/checks.ts';

interface Counter {
  count: number;
  initId: string;
  pid: number;
}

export default area('reuse', 'Reuse of globals and /tmp', [
  scenario(
    {
      id: 'reuse.globals-warm',
      level: 'SHOULD',
      title: 'Globals persist across warm invokes',
      requirement: 'Between invocations the runtime keeps its process, so module-level state survives (warm reuse).',
      source: 'SPEC.md §3.5–3.6 (freeze/reuse model)',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      const seen: Counter[] = [];
      for (let i = 0; i < 3; i++) seen.push(t.result<Counter>(await t.probe(env, { probe: 'counter' })));
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
      source: 'SPEC.md §3.6 (/tmp persists while the environment lives)',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      const file = `bootspec-${randomUUID()}`;
      const counts = [];
      for (let i = 0; i < 3; i++) counts.push(t.result<{ lines: number }>(await t.probe(env, { probe: 'tmp', file })).lines);
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
      source: 'SPEC.md §3.3, §12.G.35',
      timeoutMs: 45_000,
    },
    async (t: ScenarioContext) => {
      const env = await t.environment({ timeoutS: 2 });
      const file = `bootspec-${randomUUID()}`;
      const first = t.result<{ lines: number }>(await t.probe(env, { probe: 'tmp', file }));
      const c1 = t.result<Counter>(await t.probe(env, { probe: 'counter' }));
      const slow = await t.probe(env, { probe: 'sleep', ms: 5000 });
      t.check(slow.outcome === 'timeout', { message: 'the slow invocation did not time out', expected: 'Sandbox.Timedout', actual: describeOutcome(slow) });
      const second = await t.probe(env, { probe: 'tmp', file });
      const lines = t.result<{ lines: number }>(second, 'the first invocation after the reset').lines;
      t.check(first.lines === 1 && lines === 2, {
        message: `/tmp/${file} was not there after the reset`,
        expected: 'lines 1 then 2',
        actual: `lines ${first.lines} then ${lines}`,
        records: [slow, second],
      });
      const c2 = t.result<Counter>(await t.probe(env, { probe: 'counter' }));
      t.note(`globals ${c2.initId !== c1.initId ? 'started over' : 'were kept'} after the reset (initId ${c1.initId.slice(0, 8)} → ${c2.initId.slice(0, 8)})`);
    },
  ),
]);
