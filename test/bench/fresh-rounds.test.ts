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
  concurrentLoops: async () => ({ invokes: 1, seconds: 0.001 }),
}));

const { latencyTasks } = await import('../../harness/bench/phases-warm.ts');
const { SideRecord } = await import('../../harness/bench/side.ts');

function fakeSubject(label: string, started: string[], closed: string[]) {
  let n = 0;
  return {
    label,
    probe: false,
    start: async () => {
      const id = `${label}#${++n}`;
      started.push(id);
      return { id, close: async () => void closed.push(id) };
    },
  };
}

describe('the warm loop', () => {
  it('starts, measures and closes a fresh environment per side every round, in the round’s order', async () => {
    const started: string[] = [];
    const closed: string[] = [];
    const subjects = [fakeSubject('A', started, closed), fakeSubject('B', started, closed)];
    const settings = { rounds: 4, payloads: [0, 1024], invokes: 40, warmup: 5, bytesPerPayload: 1 << 20, maxLoopSeconds: 1 };
    // biome-ignore lint/suspicious/noExplicitAny: a fake subject stands for a prepared runtime
    const sides = subjects.map((s) => new SideRecord(s as any, settings.payloads, false));
    // biome-ignore lint/suspicious/noExplicitAny: only what latencyTasks reads
    const ctx = { sides, settings, open: new Set() } as any;
    for (const task of latencyTasks(ctx)) await task.run();

    expect(started).toEqual(['A#1', 'B#1', 'B#2', 'A#2', 'A#3', 'B#3', 'B#4', 'A#4']);
    expect(closed.sort()).toEqual([...started].sort());
    expect(ctx.open.size).toBe(0);
    // Each measured block ran on its own round's environment, and every environment was measured.
    const measured = ran.filter((r) => r.record).map((r) => r.env);
    expect(measured).toEqual(['A#1', 'B#1', 'A#1', 'B#1', 'B#2', 'A#2', 'B#2', 'A#2', 'A#3', 'B#3', 'A#3', 'B#3', 'B#4', 'A#4', 'B#4', 'A#4']);
    expect(sides.map((s) => s.sequential.length)).toEqual([4, 4]);
  });
});
