import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ComparedFigure, Comparison, Phase } from '../../harness/bench/types.ts';
import { regate } from '../../harness/shard/bench-merge.ts';
import { benchLane, benchUnit, planBenchShard, recordedBenchDurations, shardPhases } from '../../harness/shard/bench-shard.ts';
import { type LaneRef, laneDurations, planNightlyShard } from '../../harness/shard/nightly-shard.ts';

const work = mkdtempSync(join(tmpdir(), 'bootspec-bench-plan-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const PHASES: Phase[] = ['floor', 'latency', 'throughput', 'endpoint', 'cold-start', 'memory'];
const lane = benchLane('node-plain', 'go', 'process');

describe('bench --shard i/N: the plan', () => {
  it('splits the phases other than the floor, the same way whatever the order, and measures the floor in every shard that has a phase', () => {
    const plans = [1, 2, 3].map((index) => planBenchShard(lane, PHASES, { index, count: 3 }, undefined));
    expect(planBenchShard(lane, [...PHASES].reverse(), { index: 1, count: 3 }, undefined).owners).toEqual(plans[0]?.owners);
    expect(Object.keys(plans[0]?.owners ?? {}).sort()).toEqual(['cold-start', 'endpoint', 'latency', 'memory', 'throughput'].map((p) => benchUnit(lane, p as Phase)));
    const parts = plans.map((p) => shardPhases(p, lane, PHASES));
    for (const part of parts) {
      expect(part[0]).toBe('floor');
      expect(part.length).toBeGreaterThanOrEqual(2);
    }
    // every phase once, none twice
    expect(parts.flatMap((p) => p.filter((x) => x !== 'floor')).sort()).toEqual(PHASES.filter((p) => p !== 'floor').sort());
    expect(plans[0]?.balancedBy).toBe('count');
    expect(new Set(plans.map((p) => p.group)).size).toBe(1);
    // another runtime's split is another group
    expect(planBenchShard(benchLane('go', undefined, 'process'), PHASES, { index: 1, count: 3 }, undefined).group).not.toBe(plans[0]?.group);
  });

  it('a shard with no phase measures nothing, not even the floor', () => {
    const plan = planBenchShard(lane, ['floor', 'latency'], { index: 2, count: 2 }, undefined);
    expect(shardPhases(plan, lane, ['floor', 'latency'])).toEqual([]);
    expect(() => planBenchShard(lane, ['floor'], { index: 1, count: 2 }, undefined)).toThrow(/--phases names none/);
  });

  it('balances by the phase durations earlier shards recorded (longest first)', () => {
    const dir = join(work, 'earlier');
    mkdirSync(dir);
    const ms = { latency: 60_000, throughput: 20_000, endpoint: 20_000, 'cold-start': 15_000, memory: 5_000 };
    const durationsMs = Object.fromEntries(Object.entries(ms).map(([p, v]) => [benchUnit(lane, p as Phase), v]));
    writeFileSync(join(dir, 'bench-1.json'), JSON.stringify({ shard: { durationsMs: Object.fromEntries(Object.entries(durationsMs).slice(0, 2)) } }));
    writeFileSync(join(dir, 'bench-2.json'), JSON.stringify({ shard: { durationsMs: Object.fromEntries(Object.entries(durationsMs).slice(2)) } }));
    const recorded = recordedBenchDurations([dir]);
    expect(Object.fromEntries(recorded)).toEqual(durationsMs);
    const plan = planBenchShard(lane, PHASES, { index: 1, count: 2 }, recorded);
    expect(plan.balancedBy).toBe('recorded durations');
    const load = [1, 2].map((s) => Object.entries(plan.owners).filter(([, o]) => o === s).reduce((t, [u]) => t + (durationsMs[u] ?? 0), 0));
    // LPT: latency (60 s) alone against the other four (60 s); by count it would be 3 against 2
    expect(load.sort((a, b) => a - b)).toEqual([60_000, 60_000]);
  });
});

describe('nightly --shard-durations', () => {
  it('weighs lanes by an earlier night\'s documents: the slow lane gets a shard of its own', () => {
    const dir = join(work, 'night');
    mkdirSync(dir);
    const run = (name: string, ms: number) => ({ runtime: { name, driver: 'process' }, durationMs: ms, results: [] });
    writeFileSync(join(dir, 'results-a.json'), JSON.stringify({ runs: [run('java-ric', 900_000)] }));
    writeFileSync(join(dir, 'results-b.json'), JSON.stringify({ runs: [run('go', 100_000), run('bash', 100_000)] }));
    writeFileSync(join(dir, 'bench-go.json'), JSON.stringify({ runtime: { name: 'go' }, host: { driver: 'process' }, durationS: 300, latency: {} }));
    const durations = laneDurations([dir]);
    expect(durations.get('results java-ric process')).toBe(900_000);
    expect(durations.get('bench go process')).toBe(300_000);
    const lanes: LaneRef[] = [...['java-ric', 'go', 'bash'].map((runtime) => ({ runtime, driver: 'process', kind: 'results' as const })), { runtime: 'go', driver: 'process', kind: 'bench' }];
    const plan = planNightlyShard(lanes, { index: 1, count: 2 }, durations);
    expect(plan.balancedBy).toBe('recorded durations');
    const javaShard = plan.lanes.find((l) => l.runtime === 'java-ric')?.shard;
    expect(plan.lanes.filter((l) => l.shard === javaShard)).toHaveLength(1);
    expect(planNightlyShard(lanes, { index: 1, count: 2 }).balancedBy).toBe('count');
  });
});

describe('the gate over a bench split', () => {
  const figure = (name: string, p: number, ratio: number, verdict: ComparedFigure['verdict']): ComparedFigure => ({
    figure: name,
    unit: 'µs',
    better: 'lower',
    reference: 100,
    candidate: 100 * ratio,
    ratio,
    ciLow: ratio * 0.9,
    ciHigh: ratio * 1.1,
    verdict,
    tier: 'primary',
    p,
    pAdjusted: p,
  });
  const model: Comparison = { kind: 'baseline', reference: 'r', candidate: 'c', threshold: 0.05, resamples: 100, seed: 1, paired: false, figures: [], regressed: 0, improved: 0, verdict: 'unchanged' };

  it('adjusts every shard\'s p-values as one family: two regressions at p 0.03 each are not both alarms', () => {
    // each shard alone: Holm over one figure, 0.03 < 0.05, regressed; together 2 × 0.03 = 0.06
    const merged = regate(model, [figure('latency 0 B mock p50', 0.03, 1.2, 'regressed'), figure('cold start p50', 0.03, 1.2, 'regressed'), figure('throughput sequential', 0.9, 1.0, 'unchanged')]);
    expect(merged.figures.map((f) => f.verdict)).toEqual(['inconclusive', 'inconclusive', 'unchanged']);
    expect(merged.verdict).toBe('inconclusive');
    expect(merged.regressed).toBe(0);
  });

  it('keeps a regression that survives the adjustment', () => {
    const merged = regate(model, [figure('latency 0 B mock p50', 0.001, 1.3, 'regressed'), figure('cold start p50', 0.5, 1.0, 'unchanged')]);
    expect(merged.verdict).toBe('regressed');
    expect(merged.figures[0]?.pAdjusted).toBe(0.002);
  });
});
