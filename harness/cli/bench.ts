import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadHistory } from '../report/history.ts';
import { writeReports } from './report.ts';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compare } from '../bench/compare.ts';
import { ProgressBar, renderResult } from '../bench/console.ts';
import { DEFAULT_PAYLOADS, parsePayload } from '../bench/events.ts';
import { choosePlacement } from '../bench/auto-placement.ts';
import { CpuPlacement, planPlacement } from '../bench/placement.ts';
import { readBaseline, schemaProblems, writeResult } from '../bench/result-file.ts';
import { runBench, type Progress } from '../bench/runner.ts';
import { BenchSubject } from '../bench/subject.ts';
import { ALL_PHASES, DEFAULT_PHASES, type BenchSettings, type Phase, type PlacementMode } from '../bench/types.ts';
import { baselineOf } from '../shard/bench-merge.ts';
import { benchLane, benchUnit, planBenchShard, recordedBenchDurations, shardPhases } from '../shard/bench-shard.ts';
import { parseShard } from '../shard/plan.ts';
import { runtimeNameOf } from '../shard/run-shard.ts';
import type { BenchShardRecord } from '../shard/types.ts';
import { envPairs, functionConfig, intFlag, numberFlag, driverFromFlags, prepare, usage } from './common.ts';

/**
 * Blocks per figure. The gate's p-value is the larger of the bootstrap's and an exact signed-rank
 * test over the blocks, and Holm's first step over the ~12 primary figures needs p < 0.0042: with 10
 * blocks only 10 of 10 (or 9 of 10, the odd one the smallest) going the same way get there, so one
 * noisy block hid a +10 % slowdown. With 16 the smallest p is 3e-5 and three or four noisy blocks are
 * tolerated; the invokes are the same, spread thinner (bench/README.md, "Comparisons and verdicts").
 */
const DEFAULT_ROUNDS = 16;

export const benchHelp = `bootspec bench <runtime> [options]

Measures a runtime's warm invoke loop (latency, throughput), cold start and memory against bootspec's
mock, with the same-run floor (loopback ping-pong, null-c vs a minimal C mock) beside every figure.
Exchanges are not recorded. Exits 1 when a comparison finds a regression.

  --json F              write the result (schemas/bench.v1.schema.json) to F
  --html DIR            write the HTML report of this result to DIR/index.html (see bootspec report)
  --markdown F          write a Markdown summary of this result; - for stdout
  --baseline F          compare with a saved result; exit 1 on a regression. Repeat it to give every
                        shard of a saved split (bench --shard i/N): they are merged first, and a
                        missing shard is an error that names it
  --vs RUNTIME          also run RUNTIME, interleaved (A B, B A, …), and compare it with <runtime>
  --threshold PCT       smallest change that is a verdict, in % (default 5)
  --phases LIST         of floor,latency,throughput,endpoint,cold-start,memory,streaming,concurrency
                        (default all but concurrency; streaming: time to first byte and MiB/s of
                        streamed responses, for runtimes that claim the \`streaming\` feature, beside
                        a minimal client's; concurrency, opt-in: invokes/s of one environment in
                        Lambda Managed Instances mode at each level N, for runtimes that claim the
                        \`concurrency\` feature, beside the ideal curve N / 20 ms)
  --concurrency-levels LIST  the levels N of the concurrency phase (default 1,2,4,8)
  --concurrency-invokes N    invokes per caller per level (default 200; a level stops after 10 s)
  --payloads LIST       event sizes (default 0,1k,64k,1m,6m)
  --invokes N           measured invokes per payload and runtime (default 10000; large payloads fewer)
  --warmup N            discarded invokes before measuring (default 1000)
  --rounds N            blocks each figure is measured in; the bootstrap resamples them (default 16)
  --environments LIST   concurrent environments (default 1,2,4)
  --block-seconds S     length of a throughput block (default 0.5; autocannon blocks twice that, ≥ 1 s)
  --cold-starts N       fresh environments for the cold start (default 20)
  --memory-invokes N    invokes across which RSS growth is measured (default 10000)
  --pin MODE            auto (default: split or shared, whichever round trip this machine makes
                        cheaper, measured at start and printed), split (mock and runtime on
                        different CPUs), shared (one CPU), none
  --env NAME=value      extra environment of <runtime> (repeatable)
  --vs-env NAME=value   extra environment of the --vs runtime (repeatable)
  --resamples N         bootstrap resamples (default 2000)
  --seed N              bootstrap seed (default 1)
  --max-loop-seconds S  upper bound of any one timed loop (default 60)
  --timeout S, --memory MB, --handler H   function configuration, as for invoke
  --max-concurrency N   run the function in Lambda Managed Instances mode (AWS_LAMBDA_MAX_CONCURRENCY=N)
  --quiet               no progress bar
  --driver D            how to start the runtime: process (default) or container (Docker, a
                        Lambda-like sandbox per environment, pinned with the placement's cpuset)
  --base-image IMAGE, --ephemeral-storage MB, --cpu share|quota   container driver, as for serve
  --no-sandbox          do not use bubblewrap even if it is installed
  --shard i/N           measure shard i of N of the phases other than the floor (each with both
                        sides of --vs; the same split on every machine), and the floor beside them:
                        every figure is read against the floor of its own run. --json records the
                        split and each phase's duration; bootspec report merges the shards' --json
                        documents (the comparison is gated again over all figures) and names a
                        missing shard
  --shard-durations F   balance the shards by the phase durations recorded in earlier shards' --json
                        documents (repeatable; a folder stands for its *.json), else by count
`;

const NULL_C = fileURLToPath(new URL('../../runtimes-under-test/null-c', import.meta.url));

function listFlag<T>(name: string, value: string | undefined, parse: (s: string) => T | undefined): T[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  const out = items.map((s) => {
    const v = parse(s);
    if (v === undefined) throw usage(`--${name}: cannot read "${s}"`, `see bootspec bench --help`);
    return v;
  });
  if (out.length === 0) throw usage(`--${name} is empty`);
  return out;
}

function settingsFrom(v: Record<string, string | boolean | string[] | undefined>): BenchSettings {
  const str = (k: string) => v[k] as string | undefined;
  const phases = listFlag('phases', str('phases'), (s) => (ALL_PHASES.includes(s as Phase) ? (s as Phase) : undefined)) ?? [...DEFAULT_PHASES];
  const payloads = listFlag('payloads', str('payloads'), (s) => {
    const b = parsePayload(s);
    return b !== undefined && b <= 6 * 1024 * 1024 ? b : undefined;
  }) ?? [...DEFAULT_PAYLOADS];
  const environments = listFlag('environments', str('environments'), (s) => {
    const n = Number(s);
    return Number.isInteger(n) && n >= 1 && n <= 16 ? n : undefined;
  }) ?? [1, 2, 4];
  const levels = listFlag('concurrency-levels', str('concurrency-levels'), (s) => {
    const n = Number(s);
    return Number.isInteger(n) && n >= 1 && n <= 64 ? n : undefined;
  });
  const perCaller = intFlag('concurrency-invokes', str('concurrency-invokes'), 1, 1_000_000);
  return {
    phases: ALL_PHASES.filter((p) => phases.includes(p)),
    invokes: intFlag('invokes', str('invokes'), 10, 10_000_000) ?? 10_000,
    warmup: intFlag('warmup', str('warmup'), 0, 1_000_000) ?? 1000,
    rounds: intFlag('rounds', str('rounds'), 2, 1000) ?? DEFAULT_ROUNDS,
    payloads: [...new Set(payloads)].sort((a, b) => a - b),
    bytesPerPayload: 512 * 1024 * 1024,
    environments: [...new Set(environments)].sort((a, b) => a - b),
    blockSeconds: numberFlag('block-seconds', str('block-seconds'), 0.1, 60) ?? 0.5,
    coldStarts: intFlag('cold-starts', str('cold-starts'), 2, 10_000) ?? 20,
    memoryInvokes: intFlag('memory-invokes', str('memory-invokes'), 100, 10_000_000) ?? 10_000,
    threshold: (numberFlag('threshold', str('threshold'), 0.1, 100) ?? 5) / 100,
    resamples: intFlag('resamples', str('resamples'), 100, 100_000) ?? 2000,
    seed: intFlag('seed', str('seed'), 0, 2 ** 31 - 1) ?? 1,
    maxLoopSeconds: numberFlag('max-loop-seconds', str('max-loop-seconds'), 1, 3600) ?? 60,
    ...(levels ? { concurrencyLevels: [...new Set(levels)].sort((a, b) => a - b) } : {}),
    ...(perCaller !== undefined ? { concurrencyInvokes: perCaller } : {}),
  };
}

const quietProgress: Progress = { start: () => {}, step: () => {}, done: () => {} };

export async function benchCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'string' },
      html: { type: 'string' },
      markdown: { type: 'string' },
      baseline: { type: 'string', multiple: true },
      vs: { type: 'string' },
      threshold: { type: 'string' },
      phases: { type: 'string' },
      payloads: { type: 'string' },
      invokes: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      environments: { type: 'string' },
      'concurrency-levels': { type: 'string' },
      'concurrency-invokes': { type: 'string' },
      'block-seconds': { type: 'string' },
      'cold-starts': { type: 'string' },
      'memory-invokes': { type: 'string' },
      pin: { type: 'string' },
      env: { type: 'string', multiple: true },
      'vs-env': { type: 'string', multiple: true },
      resamples: { type: 'string' },
      seed: { type: 'string' },
      'max-loop-seconds': { type: 'string' },
      timeout: { type: 'string' },
      memory: { type: 'string' },
      'max-concurrency': { type: 'string' },
      handler: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      driver: { type: 'string' },
      'base-image': { type: 'string' },
      'ephemeral-storage': { type: 'string' },
      cpu: { type: 'string' },
      'no-sandbox': { type: 'boolean', default: false },
      shard: { type: 'string' },
      'shard-durations': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(benchHelp);
    return 0;
  }
  if (positionals.length !== 1) throw usage('name one runtime folder', 'bootspec bench runtimes-under-test/null-c');
  if (values.vs !== undefined && values.baseline !== undefined) throw usage('give --vs or --baseline, not both', 'compare two runtimes with --vs, or one runtime with a saved run with --baseline');
  const requested = values.pin ?? 'auto';
  if (!['auto', 'split', 'shared', 'none'].includes(requested)) throw usage(`--pin must be auto, split, shared or none, got "${values.pin}"`);
  const auto = requested === 'auto' ? choosePlacement() : undefined;
  const pin = auto?.mode ?? (requested as PlacementMode);
  const requestedSettings = settingsFrom(values);
  const shardSpec = parseShard(values.shard);
  if (values['shard-durations'] !== undefined && !shardSpec) throw usage('--shard-durations balances shards: give --shard i/N too');
  // The lane names the split's units the same way on every machine: runtime names, not folders.
  const lane = benchLane(runtimeNameOf(positionals[0] as string), values.vs === undefined ? undefined : runtimeNameOf(values.vs), values.driver ?? 'process');
  const shard = shardSpec && planBenchShard(lane, requestedSettings.phases, shardSpec, values['shard-durations'] && recordedBenchDurations(values['shard-durations']));
  const settings = shard ? { ...requestedSettings, phases: shardPhases(shard, lane, requestedSettings.phases) } : requestedSettings;
  if (shard) process.stderr.write(`bootspec: bench shard ${shard.index}/${shard.count} (group ${shard.group}, balanced by ${shard.balancedBy}): ${settings.phases.join(', ') || 'no phase of this split'}\n`);
  const baseline = values.baseline === undefined ? undefined : baselineOf(values.baseline, readBaseline);

  const chosen = planPlacement(pin);
  const planned = auto ? { ...chosen, note: `${chosen.note} — ${auto.reason}` } : chosen;
  // A container's processes are started by the engine, not forked from here: they are placed by
  // the sandbox's cpuset instead of this process's CPU mask.
  const opened = await driverFromFlags(values, planned.pinned ? { cpuset: String(planned.runtimeCpu) } : {});
  const driver = opened.driver;
  if (driver.warning) process.stderr.write(`bootspec: warning: ${driver.warning}\n`);
  const placement = new CpuPlacement(driver.name === 'container' && planned.pinned ? { ...planned, note: `${planned.note} (containers by cpuset)` } : planned);
  const disposers: Array<() => void | Promise<void>> = [() => placement.close(), () => opened.dispose()];
  try {
    const subject = async (dir: string, env: string[] | undefined, label: string) => {
      const prepared = await prepare(dir, values.handler, values.quiet);
      disposers.push(() => prepared.dispose());
      const config = functionConfig(prepared, values);
      return new BenchSubject({ label, prepared, config, driver, placement, extraEnv: envPairs(env) });
    };
    const a = await subject(positionals[0] as string, values.env, 'A');
    const b = values.vs === undefined ? undefined : await subject(values.vs, values['vs-env'], 'B');
    relabel(a, b);
    const nullC = settings.phases.includes('floor') ? await subject(NULL_C, [], 'null-c (floor)') : undefined;
    const phaseMs = new Map<Phase, number>();
    const measured = await runBench({
      subjects: b ? [a, b] : [a],
      nullC,
      settings,
      placement,
      progress: values.quiet ? quietProgress : new ProgressBar(),
      sandbox: driver.pathFidelity,
      driver: driver.name,
      phaseMs,
    });
    const result = shard ? { ...measured, shard: withDurations(shard, lane, phaseMs) } : measured;
    if (baseline) {
      result.comparison = compare(baseline.raw, result.raw, {
        kind: 'baseline',
        reference: `${baseline.runtime.name} (${values.baseline?.join(' + ')}, ${baseline.startedAt})`,
        candidate: `${result.runtime.name} (this run)`,
        threshold: settings.threshold,
        resamples: settings.resamples,
        seed: settings.seed,
        paired: false,
      });
      if (baseline.runtime.name !== result.runtime.name) {
        process.stderr.write(`bootspec: warning: the baseline measured ${baseline.runtime.name}, this run ${result.runtime.name}\n`);
      }
    }
    process.stdout.write(renderResult(result));
    if (values.json !== undefined) {
      // A result a later --baseline could not read is a bootspec bug: say so, but keep the data.
      const problems = schemaProblems(result);
      if (problems.length > 0) process.stderr.write(`bootspec: internal: the result does not match schemas/bench.v1.schema.json:\n  ${problems.join('\n  ')}\n`);
      writeResult(values.json, result);
    }
    if (values.html !== undefined || values.markdown !== undefined) {
      // The report reads documents from files: the --json one, or a scratch copy.
      const file = values.json ?? join(mkdtempSync(join(tmpdir(), 'bootspec-bench-')), 'bench.json');
      if (values.json === undefined) writeResult(file, result);
      writeReports(loadHistory([{ file }]), { html: values.html, markdown: values.markdown });
    }
    return result.comparison?.verdict === 'regressed' ? 1 : 0;
  } finally {
    for (const d of disposers.reverse()) await d();
  }
}

/** The shard record with what each of its own phases took here (the floor is in every shard: not a unit). */
function withDurations(shard: BenchShardRecord, lane: string, phaseMs: ReadonlyMap<Phase, number>): BenchShardRecord {
  const mine = [...phaseMs].filter(([p]) => p !== 'floor' && shard.owners[benchUnit(lane, p)] === shard.index);
  return { ...shard, durationsMs: Object.fromEntries(mine.map(([p, ms]) => [benchUnit(lane, p), Math.round(ms)])) };
}

/** Names shown in tables: the runtime's name, with A/B added when both sides are the same runtime. */
function relabel(a: BenchSubject, b: BenchSubject | undefined): void {
  const same = b !== undefined && a.name === b.name;
  a.label = same ? `${a.name} (A)` : a.name;
  if (b) b.label = same ? `${b.name} (B)` : b.name;
}
