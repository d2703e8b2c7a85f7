/** A bench split over shards keeps the `concurrency` phase's figures and blocks from the shard that ran it. */
import { describe, expect, it } from 'vitest';
import { concurrencyLevels } from '../../harness/bench/concurrency-figures.ts';
import { schemaProblems } from '../../harness/bench/result-file.ts';
import { type BenchShardDoc, mergeBenchShards } from '../../harness/shard/bench-merge.ts';
import { result } from './result-fixture.ts';

const owners = { 'lane latency': 1, 'lane concurrency': 2 };

function shard(index: number): BenchShardDoc {
  return { ...result(), shard: { index, count: 2, group: 'g', owners, balancedBy: 'count', durationsMs: {} } };
}

describe('bench-merge and the concurrency phase', () => {
  it('takes the curve and its blocks from the shard that measured it', () => {
    const one = shard(1);
    one.settings = { ...one.settings, phases: ['floor', 'latency'] };
    const two = shard(2);
    two.settings = { ...two.settings, phases: ['floor', 'concurrency'] };
    const levels = concurrencyLevels([{ concurrency: 1, invokes: 40, failed: 0, seconds: 1 }], 20);
    two.concurrency = { skipped: null, event: '{"probe":"sleep","ms":20}', sleepMs: 20, levels, stopsScalingAt: null };
    two.raw = { ...two.raw, concurrency: { '1': [{ invokes: 40, seconds: 1 }] } };
    const problems: string[] = [];
    const merged = mergeBenchShards([{ file: 'one.json', doc: one }, { file: 'two.json', doc: two }], problems);
    expect(problems).toEqual([]);
    expect(merged.concurrency).toEqual(two.concurrency);
    expect(merged.raw.concurrency).toEqual({ '1': [{ invokes: 40, seconds: 1 }] });
    expect(merged.settings.phases).toEqual(['floor', 'latency', 'concurrency']);
    const { mergedShards: _m, ...plain } = merged;
    expect(schemaProblems(plain)).toEqual([]);
  });
});
