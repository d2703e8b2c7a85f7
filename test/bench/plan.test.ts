import { describe, expect, it } from 'vitest';
import { inRoundOrder, payloadOrder } from '../../harness/bench/plan.ts';

describe('the order of a --vs run', () => {
  it('puts each side first in half the rounds (A B, then B A), keeping each side its index', () => {
    const order = [0, 1, 2, 3].map((r) => inRoundOrder(['A', 'B'], r).map(([i, s]) => `${s}${i}`).join(' '));
    expect(order).toEqual(['A0 B1', 'B1 A0', 'A0 B1', 'B1 A0']);
    // Over any even number of rounds, the slot right after the previous round's last task is each side's equally often.
    const firsts = Array.from({ length: 16 }, (_, r) => inRoundOrder(['A', 'B'], r)[0]?.[1]);
    expect(firsts.filter((s) => s === 'A').length).toBe(8);
  });

  it('runs the payloads largest first, so the smallest (sequential throughput) never follows 6 MB events', () => {
    const given = [0, 1024, 65536, 1048576, 6291456];
    expect(payloadOrder(given)).toEqual([6291456, 1048576, 65536, 1024, 0]);
    expect(given).toEqual([0, 1024, 65536, 1048576, 6291456]);
  });
});
