import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';
import { SETTLE_MS } from '../harness/suite/checks.ts';

/** Pipe reads and the HTTP post race inside bootspec; a line written before the post may be read this much later. */
const PIPE_SLACK_MS = 50;
const PLATFORM_LINE = /^(START|END|REPORT) RequestId: |^INIT_REPORT |^INIT_START /;

export default area('logging', 'Logging', [
  scenario(
    {
      id: 'logging.during-invoke',
      level: 'MUST',
      title: 'Log lines reach stdout/stderr during the invocation, once each',
      requirement:
        'What the function writes to stdout and stderr is line-oriented and arrives during its invocation (not buffered until later), each line once. (CloudWatch keeps one stream: a runtime may send stderr to stdout, as the Node client does.)',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      const tag = randomUUID().slice(0, 8);
      const stdout = [`bootspec-out-${tag}-1`, `bootspec-out-${tag}-2 with spaces and ünïcödé`];
      const stderr = [`bootspec-err-${tag}-1`];
      await t.given(env, { probe: 'echo', value: 1 });
      const r = await t.probe(env, { probe: 'log', stdout, stderr });
      t.pre.json(env, r, 'the log probe', 'log');
      // Let lines that are late (the defect this catches) arrive, to show them in the evidence.
      await sleep(SETTLE_MS);
      const resultAt = r.timings.resultAt ?? r.timings.completedAt;
      const moved: string[] = [];
      for (const [stream, lines] of [['stdout', stdout], ['stderr', stderr]] as const) {
        for (const text of lines) {
          const seen = env.logs.filter((l) => l.text.includes(text));
          t.check(seen.length === 1, {
            message: `"${text}" was seen ${seen.length} time(s)`,
            expected: 'once',
            actual: seen.map((l) => `${l.stream}: ${l.text}`).join(' | ') || 'not at all',
          });
          if (seen[0]?.stream !== stream) moved.push(`${stream} → ${seen[0]?.stream}`);
          const line = seen[0] as (typeof seen)[number];
          t.check(line.at <= resultAt + PIPE_SLACK_MS, {
            message: `"${text}" arrived ${Math.round(line.at - resultAt)} ms after the result was posted`,
            expected: 'written before the result is posted',
            actual: `${Math.round(line.at - resultAt)} ms late`,
          });
        }
      }
      if (moved.length) t.note(`lines arrived on another stream than written: ${[...new Set(moved)].join(', ')}`);
    },
  ),
  scenario(
    {
      id: 'logging.no-platform-lines',
      level: 'SHOULD',
      title: 'Does not print platform lines itself',
      requirement: 'START, END, REPORT and INIT_REPORT lines are Lambda\'s; a runtime printing its own confuses log tooling.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      await t.given(env, { probe: 'echo', value: 1 });
      await t.probe(env, { probe: 'throw', errorType: 'BootspecProbeError', message: 'x' });
      const own = env.logs.filter((l) => l.stream !== 'platform' && PLATFORM_LINE.test(l.text));
      t.check(own.length === 0, {
        message: `the runtime printed ${own.length} line(s) that look like Lambda's platform lines`,
        expected: 'none',
        actual: own.map((l) => `${l.stream}: ${l.text}`).slice(0, 5).join(' | '),
      });
    },
  ),
]);
