/**
 * `bootspec serve` beside the AWS Runtime Interface Emulator, same runtime, same run: both invoke
 * endpoints driven the same way by the same load client (autocannon for throughput, sequential undici
 * requests for latency), rounds interleaved (RIE, serve, RIE, serve, …), ratios with paired bootstrap
 * intervals. Run through scripts/bench-rie.sh, which installs the emulator first.
 *
 *   node --import tsx bench/rie-vs-serve.ts <runtime> [--rounds N] [--seconds S] [--invokes N] [--payload 1k] [--pin split|shared|none] [--json F]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { functionConfig, prepare } from '../harness/cli/common.ts';
import { openDriver } from '../harness/drivers/open.ts';
import { BinnedHistogram } from '../harness/bench/binned.ts';
import { startEmulator } from '../harness/bench/emulator.ts';
import { parsePayload } from '../harness/bench/events.ts';
import { LoadClient } from '../harness/bench/load-client.ts';
import { startServe } from '../harness/bench/phases-other.ts';
import { CpuPlacement, planPlacement } from '../harness/bench/placement.ts';
import { hostInfo } from '../harness/bench/runner.ts';
import { percentileBlocks, rateBlocks } from '../harness/bench/samples.ts';
import { bootstrapRatio } from '../harness/bench/stats.ts';
import { BenchSubject } from '../harness/bench/subject.ts';
import type { PlacementMode, RateBlock } from '../harness/bench/types.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '2' },
    invokes: { type: 'string', default: '2000' },
    payload: { type: 'string', default: '0' },
    pin: { type: 'string', default: 'split' },
    json: { type: 'string' },
  },
});
const dir = positionals[0];
if (!dir) throw new Error('usage: rie-vs-serve.ts <runtime folder> [options]');
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const invokes = Number(values.invokes);
const payloadBytes = parsePayload(values.payload ?? '0') ?? 0;

const placement = new CpuPlacement(planPlacement(values.pin as PlacementMode));
// The emulator runs the bootstrap as a plain process; bootspec does the same here, so only the
// two invoke paths differ.
const driver = openDriver({ driver: 'process', noSandbox: true });
const prepared = await prepare(dir, undefined, true);
const subject = new BenchSubject({ label: prepared.manifest.name, prepared, config: functionConfig(prepared, {}), driver, placement, extraEnv: {} });
const probe = prepared.manifest.conformance;

type Side = { name: string; url: string; rate: RateBlock[]; latency: BinnedHistogram[]; errors: number; samples: number };
let emulatorCrashes = 0;

/** One round of one side: autocannon for throughput, then sequential requests for latency. */
async function measureRound(s: Side): Promise<void> {
  const load = await client.autocannon({ url: s.url, payloadBytes, probe, connections: 1, seconds, maxRequests: seconds * 200_000 });
  const lat = await client.latency({ url: s.url, payloadBytes, probe, invokes, warmup: 20, maxMs: 60_000 });
  s.rate.push({ invokes: load.requests, seconds: load.seconds });
  s.errors += load.errors + load.non2xx + lat.failures;
  s.latency.push(BinnedHistogram.of(lat.samplesNs));
  s.samples += lat.samplesNs.length;
}
/** A fresh emulator for the side that measured the crashed one, warmed and placed as the first was. */
async function restartEmulator(s: Side): Promise<void> {
  await rie.close();
  rie = await startEmulator(subject, placement);
  s.url = rie.url;
  await client.latency({ url: s.url, payloadBytes, probe, invokes: 0, warmup: 500, maxMs: 60_000 });
  rie.placeRuntime();
}
const client = LoadClient.start(placement);
const serve = await startServe(subject);
let rie = await startEmulator(subject, placement);
const sides: Side[] = [
  { name: 'aws-lambda-rie', url: rie.url, rate: [], latency: [], errors: 0, samples: 0 },
  { name: 'bootspec serve', url: serve.url, rate: [], latency: [], errors: 0, samples: 0 },
];
try {
  for (const s of sides) await client.latency({ url: s.url, payloadBytes, probe, invokes: 0, warmup: 500, maxMs: 60_000 });
  rie.placeRuntime();
  for (let r = 0; r < rounds; r++) {
    for (const s of sides) {
      process.stderr.write(`\rround ${r + 1}/${rounds} ${s.name.padEnd(16)}`);
      // The emulator crashes under this load now and then (a nil dereference in rapidcore when a
      // request races the previous invocation's release; bench/README.md): say so, start a fresh
      // one, measure its round again. Anything else, or a sixth crash, ends the run.
      for (;;) {
        try {
          await measureRound(s);
          break;
        } catch (err) {
          // A failed request may be seen before the emulator's exit is: give the exit a second.
          const ended = s === sides[0] ? await rie.exit(1000) : undefined;
          if (ended === undefined || ++emulatorCrashes > 5) throw err;
          process.stderr.write(`\n${s.name} ended (${ended}) in round ${r + 1}; its output is above. Starting it again.\n`);
          await restartEmulator(s);
        }
      }
    }
  }
  process.stderr.write('\r\x1b[2K');
} finally {
  client.close();
  await rie.close();
  await serve.close();
  placement.close();
  prepared.dispose();
}

const [emu, bs] = sides as [Side, Side];
const throughput = bootstrapRatio(rateBlocks(emu.rate), rateBlocks(bs.rate), { paired: true });
const p50 = bootstrapRatio(percentileBlocks(emu.latency, 50), percentileBlocks(bs.latency, 50), { paired: true });
const p99 = bootstrapRatio(percentileBlocks(emu.latency, 99), percentileBlocks(bs.latency, 99), { paired: true });
const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
const rate = (s: Side) => rateBlocks(s.rate).figure(all(s.rate.length));
const pct = (s: Side, p: number) => percentileBlocks(s.latency, p).figure(all(s.latency.length)) / 1000;
const host = hostInfo(placement, false, 'process');
const f = (x: number, d = 1) => x.toFixed(d);
const ci = (e: { ciLow: number; ciHigh: number }) => `[${f(e.ciLow, 3)}, ${f(e.ciHigh, 3)}]`;
process.stdout.write(
  [
    `${prepared.manifest.name}: bootspec serve vs aws-lambda-rie, ${rounds} interleaved rounds, payload ${payloadBytes} B, one connection · ${host.placement.note} · load ${host.loadAverage[0]}`,
    `  ${'endpoint'.padEnd(16)}${'invokes/s'.padStart(11)}${'p50 µs'.padStart(10)}${'p99 µs'.padStart(10)}${'errors'.padStart(8)}`,
    ...sides.map((s) => `  ${s.name.padEnd(16)}${f(rate(s), 0).padStart(11)}${f(pct(s, 50)).padStart(10)}${f(pct(s, 99)).padStart(10)}${String(s.errors).padStart(8)}`),
    `  throughput serve/rie ${f(throughput.ratio, 3)} ${ci(throughput)} (target ≥ 1.5)`,
    `  latency p50 serve/rie ${f(p50.ratio, 3)} ${ci(p50)}, p99 ${f(p99.ratio, 3)} ${ci(p99)}`,
    ...(emulatorCrashes > 0 ? [`  the emulator crashed ${emulatorCrashes} time(s) and was restarted; its rounds were measured again`] : []),
    '',
  ].join('\n'),
);
if (values.json) {
  const out = {
    runtime: prepared.manifest.name,
    host,
    rounds,
    seconds,
    payloadBytes,
    sides: sides.map((s) => ({ name: s.name, perSec: rate(s), p50Us: pct(s, 50), p99Us: pct(s, 99), errors: s.errors, samples: s.samples })),
    throughputRatio: throughput,
    latencyP50Ratio: p50,
    latencyP99Ratio: p99,
    emulatorCrashes,
  };
  writeFileSync(values.json, `${JSON.stringify(out, null, 2)}\n`);
}
