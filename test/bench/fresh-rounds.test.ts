/**
 * Every round of the warm loop measures fresh environments: a process's speed is drawn when it starts,
 * so one environment per side for the whole run would put that draw in no round's difference.
 * The invoke loop is replaced by a recorder of which environment each block ran on.
 */
import { describe, expect, it, vi } from 'vitest';

const ran: Array<{ env: string; record: boolean }> = [];
vi.mock('../../harness/bench/warm-loop.ts', () => ({
  invokeLoop: async (env: { id: string }, o: { record?: unknown }) => {
    ran.push({ env: env.id, record: o.record !== undefined });
    return { invokes: 1, seconds: 0.001 };
  },
  concurrentLoops: async (envs: Array<{ id: string }>, _event: unknown, ms: number) => {
    ran.push({ env: envs.map((e) => e.id).join('+'), record: ms !== 200 });
    return { invokes: 1, seconds: 0.001 };
  },
}));

const { concurrencyTasks, latencyTasks } = await import('../../harness/bench/phases-warm.ts');
const { SideRecord } = await import('../../harness/bench/side.ts');

/** Environments started, closed, and the most open at once. */
interface Opened {
  started: string[];
  closed: string[];
  peak: number;
}

function fakeSubject(label: string, o: Opened) {
  let n = 0;
  return {
    label,
    probe: false,
    start: async () => {
      const id = `${label}#${++n}`;
      o.started.push(id);
      o.peak = Math.max(o.peak, o.started.length - o.closed.length);
      return { id, close: async () => void o.closed.push(id) };
    },
  };
}

/** Every environment closed, none left in the run's open set, and never more open than one round holds. */
function expectRoundsClosed(o: Opened, ctx: { open: Set<unknown> }, perRound: number): void {
  expect([...o.closed].sort()).toEqual([...o.started].sort());
  expect(ctx.open.size).toBe(0);
  expect(o.peak).toBe(perRound);
}

function fakeRun(rounds: number) {
  const opened: Opened = { started: [], closed: [], peak: 0 };
  const subjects = [fakeSubject('A', opened), fakeSubject('B', opened)];
  const settings = { rounds, payloads: [0, 1024], invokes: 40, warmup: 5, bytesPerPayload: 1 << 20, maxLoopSeconds: 1, environments: [2], blockSeconds: 0.5 };
  // biome-ignore lint/suspicious/noExplicitAny: a fake subject stands for a prepared runtime
  const sides = subjects.map((s) => new SideRecord(s as any, settings.payloads, false));
  // biome-ignore lint/suspicious/noExplicitAny: only what the phases read
  const ctx = { sides, settings, open: new Set() } as any;
  ran.length = 0;
  return { opened, started: opened.started, sides, ctx };
}

describe('the warm loop', () => {
  it('starts, measures and closes a fresh environment per side every round, in the round’s order', async () => {
    const { opened, started, sides, ctx } = fakeRun(4);
    for (const task of latencyTasks(ctx)) await task.run();

    expect(started).toEqual(['A#1', 'B#1', 'B#2', 'A#2', 'A#3', 'B#3', 'B#4', 'A#4']);
    expectRoundsClosed(opened, ctx, 2);
    // Each measured block ran on its own round's environment, and every environment was measured.
    const measured = ran.filter((r) => r.record).map((r) => r.env);
    expect(measured).toEqual(['A#1', 'B#1', 'A#1', 'B#1', 'B#2', 'A#2', 'B#2', 'A#2', 'A#3', 'B#3', 'A#3', 'B#3', 'B#4', 'A#4', 'B#4', 'A#4']);
    expect(sides.map((s) => s.sequential.length)).toEqual([4, 4]);
  });

  it('throughput through N environments: a fresh set of N per side every round', async () => {
    const { opened, started, sides, ctx } = fakeRun(2);
    for (const task of concurrencyTasks(ctx)) await task.run();
    expect(started).toEqual(['A#1', 'A#2', 'B#1', 'B#2', 'B#3', 'B#4', 'A#3', 'A#4']);
    expectRoundsClosed(opened, ctx, 4);
    expect(ran.filter((r) => r.record).map((r) => r.env)).toEqual(['A#1+A#2', 'B#1+B#2', 'B#3+B#4', 'A#3+A#4']);
    expect(sides.map((s) => s.concurrentBlocks(2).length)).toEqual([2, 2]);
  });
});
