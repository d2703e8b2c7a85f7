import { describe, expect, it } from 'vitest';
import { planNightlyShard } from '../../harness/shard/nightly-shard.ts';
import { mergeShards } from '../../harness/shard/merge.ts';
import { assignShards, parseShard, shardGroup, weighUnits } from '../../harness/shard/plan.ts';
import type { LoadedDocument } from '../../harness/report/history-documents.ts';

const keys = Array.from({ length: 40 }, (_, i) => `rt scenario.${i}`);

describe('assignShards', () => {
  it('is deterministic and balanced by count without durations', () => {
    const a = assignShards(weighUnits(keys, undefined), 3);
    expect(assignShards(weighUnits([...keys].reverse(), undefined), 3)).toEqual(a);
    const sizes = [1, 2, 3].map((s) => [...a.values()].filter((o) => o === s).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('balances recorded durations (longest first) and gives unknown units the median', () => {
    const durations = new Map(keys.map((k, i) => [k, i === 0 ? 10_000 : 100] as const));
    const owners = assignShards(weighUnits(keys, durations), 2);
    const load = [1, 2].map((s) => keys.filter((k) => owners.get(k) === s).reduce((t, k) => t + (durations.get(k) ?? 0), 0));
    // the 10 s scenario alone on one shard, the 39 short ones on the other
    expect(load.sort((x, y) => x - y)).toEqual([3_900, 10_000]);
    expect(weighUnits(['rt new.one'], durations)[0]?.weight).toBe(100);
  });

  it('names the same group for the same split, another for another', () => {
    const a = assignShards(weighUnits(keys, undefined), 2);
    expect(shardGroup(a, 2)).toBe(shardGroup(new Map([...a].reverse()), 2));
    expect(shardGroup(assignShards(weighUnits(keys, undefined), 3), 3)).not.toBe(shardGroup(a, 2));
  });

  it('reads i/N and refuses anything else with the fix', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['0/3', '4/3', '1', 'a/b', '1/0']) expect(() => parseShard(bad)).toThrow(/i\/N/);
  });
});

describe('nightly shards', () => {
  const lanes = ['node-plain', 'go', 'python-ric'].flatMap((runtime) => (['results', 'bench'] as const).map((kind) => ({ runtime, driver: 'process', kind })));
  const status = (index: number): LoadedDocument => {
    const shard = planNightlyShard(lanes, { index, count: 2 });
    const mine = shard.lanes.filter((l) => l.shard === index);
    return {
      kind: 'nightly-status',
      file: `lanes-${index}.json`,
      at: '2026-12-03T00:00:00.000Z',
      baseline: false,
      status: { kind: 'bootspec-nightly-status', attemptedAt: '2026-12-03T00:00:00.000Z', complete: true, lanes: mine.map((l) => ({ runtime: l.runtime, driver: l.driver, finished: true })), shard } as never,
    };
  };

  it('merges the statuses of all shards into one complete night', () => {
    const m = mergeShards([status(1), status(2)]);
    expect(m.problems).toEqual([]);
    expect(m.docs).toHaveLength(1);
    const s = m.docs[0];
    expect(s?.kind === 'nightly-status' && s.status.complete).toBe(true);
  });

  it('names a missing shard and marks its lanes as not finished', () => {
    const m = mergeShards([status(1)]);
    expect(m.problems.join('\n')).toMatch(/nightly shard 2\/2 of group \w+ is missing/);
    const s = m.docs[0];
    if (s?.kind !== 'nightly-status') throw new Error('no merged status');
    expect(s.status.complete).toBe(false);
    expect(s.status.lanes.filter((l) => !l.finished).map((l) => l.reason)).toContainEqual(expect.stringMatching(/shard 2\/2 missing/));
  });
});
