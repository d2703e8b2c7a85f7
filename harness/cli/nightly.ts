import { spawn } from 'node:child_process';
import { copyFileSync, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bareName, peekRuntime } from '../environment/manifest.ts';
import { loadHistory, type ReportInput } from '../report/history.ts';
import { writeHtmlReport } from '../report/html/index.ts';
import { markdownSummary } from '../report/markdown.ts';
import { loadDocument } from '../report/history-documents.ts';
import { completeNights, lastBench, lastFinished, type NightLayout, nightDocuments, nightLayout, nightlyStatus } from '../report/history-nightly.ts';
import type { NightlyStatus } from '../report/history-types.ts';
import { parseShard } from '../shard/plan.ts';
import { inShard, laneDurations, planNightlyShard } from '../shard/nightly-shard.ts';
import { intFlag, usage } from './common.ts';
import { writeReports } from './report.ts';

export const nightlyHelp = `bootspec nightly <runtime>... --out DIR [options]

Runs the conformance suites and the benchmarks of every runtime with every driver (one lane each,
one after another), compares each lane with the previous complete night, and publishes
DIR/index.html and DIR/summary.md. The published report is replaced only when every lane finished:
after a partial night it keeps the last complete night's data and marks the lanes that did not
finish as stale; the partial documents and logs stay in DIR/attempts/<night>/.
Exits 0 when every lane finished (failing scenarios are data, not a failed night), 1 otherwise.

  --out DIR             the published folder (history/, attempts/, lanes.json, index.html, summary.md)
  --drivers LIST        drivers to run each runtime with (default process)
  --no-bench            conformance only
  --bench-args="ARGS"   extra arguments for bootspec bench (e.g. --bench-args="--invokes 2000 --payloads 0,1k")
  --only ID             scenarios to run (as bootspec run --only); repeatable
  --keep N              complete nights shown as history (default 30)
  --lane-timeout MIN    longest one lane may run before it counts as not finished (default 45)
  --shard i/N           run shard i of N of the lanes (the same split on every machine); lanes.json
                        lists every lane's shard: bootspec report over all shards' documents and
                        lanes.json merges them and names a missing shard's lanes
`;

const BIN = fileURLToPath(new URL('../../bin/bootspec.js', import.meta.url));

interface Lane {
  dir: string;
  /** The runtime's name as runtime.json gives it (the folder's name for a bare bootstrap). */
  runtime: string;
  driver: string;
  kind: 'results' | 'bench';
  file: string;
}

const slug = (s: string) => s.replace(/[^A-Za-z0-9_.-]+/g, '_');

/** Runs one bootspec command as a child, output to a log; resolves with its exit code (null on timeout). */
function runChild(args: string[], log: string, timeoutMs: number): Promise<number | null> {
  return new Promise((done) => {
    const out = createWriteStream(log);
    out.write(`$ bootspec ${args.join(' ')}\n`);
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      out.write(`\nbootspec nightly: lane timed out after ${timeoutMs / 60_000} min; stopping it\n`);
      child.kill('SIGTERM');
      setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 10_000).unref();
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      out.end(`\nexit ${code}\n`);
      done(timedOut ? null : code);
    });
  });
}

/** Did the lane leave a usable document? A build that failed leaves only harness errors: not data. */
function laneOutcome(lane: Lane, code: number | null): { finished: boolean; reason?: string } {
  if (code === null) return { finished: false, reason: 'timed out' };
  if (!existsSync(lane.file)) return { finished: false, reason: `exit ${code}, no ${lane.kind} document` };
  try {
    const doc = loadDocument(lane.file);
    if (doc.kind === 'results') {
      const results = doc.snapshots.flatMap((s) => s.snapshot.run.results).filter((r) => !(r.verdict === 'skip' && r.message.startsWith('not selected')));
      if (results.length && results.every((r) => r.verdict === 'error')) return { finished: false, reason: `harness error: ${results[0]?.message.split('\n')[0] ?? ''}` };
    }
    return { finished: true };
  } catch (err) {
    return { finished: false, reason: (err as Error).message.split('\n')[0] ?? 'unreadable document' };
  }
}

function lanesFor(dirs: string[], drivers: string[], bench: boolean, attemptDir: string): Lane[] {
  const lanes: Lane[] = [];
  for (const dir of dirs) {
    // runCommand has checked every folder is a runtime; one that vanished since fails in its lane
    const m = peekRuntime(dir) ?? { name: bareName(resolve(dir)), conformance: true };
    for (const driver of drivers) {
      const base = `${slug(m.name)}-${slug(driver)}`;
      if (m.conformance) lanes.push({ dir, runtime: m.name, driver, kind: 'results', file: join(attemptDir, `results-${base}.json`) });
      if (bench) lanes.push({ dir, runtime: m.name, driver, kind: 'bench', file: join(attemptDir, `bench-${base}.json`) });
    }
  }
  return lanes;
}

function laneArgs(lane: Lane, layout: NightLayout, only: string[], benchArgs: string[]): string[] {
  const driver = lane.driver === 'process' ? [] : ['--driver', lane.driver];
  if (lane.kind === 'results') return ['run', lane.dir, ...driver, '--no-expectations', '--quiet', '--json', lane.file, ...only.flatMap((o) => ['--only', o])];
  const baseline = lastBench(layout.out, basename(lane.file));
  return ['bench', lane.dir, ...driver, '--quiet', '--json', lane.file, ...(baseline ? ['--baseline', baseline] : []), ...benchArgs];
}

/** Renders into a staging folder, then moves the files into place: readers never see half a report. */
function publish(out: string, inputs: ReportInput[]): void {
  const staging = join(out, '.staging');
  rmSync(staging, { recursive: true, force: true });
  const history = loadHistory(inputs);
  writeHtmlReport(history, staging);
  writeFileSync(join(staging, 'summary.md'), markdownSummary(history, { htmlReport: 'index.html' }));
  for (const f of ['index.html', 'summary.md']) renameSync(join(staging, f), join(out, f));
  rmSync(staging, { recursive: true, force: true });
}

export async function nightlyCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      drivers: { type: 'string' },
      'no-bench': { type: 'boolean', default: false },
      'bench-args': { type: 'string' },
      only: { type: 'string', multiple: true },
      keep: { type: 'string' },
      'lane-timeout': { type: 'string' },
      shard: { type: 'string' },
      'shard-durations': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(nightlyHelp);
    return 0;
  }
  if (!values.out) throw usage('say where to publish: --out DIR', 'bootspec nightly runtimes-under-test/node-plain runtimes-under-test/go --out reports/nightly');
  if (positionals.length === 0) throw usage('name at least one runtime folder', 'bootspec nightly runtimes-under-test/node-plain --out reports/nightly');
  for (const d of positionals) if (peekRuntime(d) === undefined) throw usage(`${d} has no runtime.json and no bootstrap`);
  const keep = intFlag('keep', values.keep, 1, 10_000) ?? 30;
  const laneTimeoutMs = (intFlag('lane-timeout', values['lane-timeout'], 1, 24 * 60) ?? 45) * 60_000;
  const drivers = (values.drivers ?? 'process').split(',').map((d) => d.trim()).filter(Boolean);
  const benchArgs = (values['bench-args'] ?? '').split(/\s+/).filter(Boolean);

  const started = new Date();
  const layout = nightLayout(values.out, started);
  mkdirSync(layout.attemptDir, { recursive: true });
  const allLanes = lanesFor(positionals, drivers, !values['no-bench'], layout.attemptDir);
  const shardSpec = parseShard(values.shard);
  if (values['shard-durations'] !== undefined && !shardSpec) throw usage('--shard-durations balances shards: give --shard i/N too');
  const shard = shardSpec && planNightlyShard(allLanes, shardSpec, values['shard-durations'] && laneDurations(values['shard-durations']));
  const lanes = shard ? allLanes.filter((l) => inShard(shard, l)) : allLanes;
  if (shard) process.stderr.write(`bootspec nightly: shard ${shard.index}/${shard.count}: ${lanes.length} of ${allLanes.length} lane(s) (group ${shard.group}, balanced by ${shard.balancedBy})\n`);
  const status: NightlyStatus['lanes'] = [];
  for (const lane of lanes) {
    process.stderr.write(`bootspec nightly: ${lane.kind === 'results' ? 'suite' : 'bench'} ${lane.runtime} · ${lane.driver}\n`);
    const log = lane.file.replace(/\.json$/, '.log');
    const code = await runChild(laneArgs(lane, layout, values.only ?? [], benchArgs), log, laneTimeoutMs);
    const outcome = laneOutcome(lane, code);
    if (!outcome.finished) process.stderr.write(`bootspec nightly:   did not finish: ${outcome.reason} (log: ${log})\n`);
    const previous = outcome.finished ? undefined : lastFinished(layout.out, lane);
    status.push({ runtime: lane.runtime, driver: lane.driver, finished: outcome.finished, ...(outcome.reason ? { reason: `${lane.kind === 'results' ? 'suite' : 'bench'}: ${outcome.reason}` } : {}), ...(previous ? { lastFinishedAt: previous } : {}) });
  }

  const night = { ...nightlyStatus(started, status), ...(shard ? { shard } : {}) };
  const statusJson = `${JSON.stringify(night, null, 2)}\n`;
  writeFileSync(join(layout.attemptDir, 'lanes.json'), statusJson);
  const attemptDocs = lanes.filter((l) => existsSync(l.file)).map((l) => l.file);
  // The attempt's own report, partial or not, for whoever looks into a failed night.
  if (attemptDocs.length) {
    try {
      writeReports(loadHistory(attemptDocs.map((file) => ({ file }))), { html: layout.attemptDir });
    } catch (err) {
      process.stderr.write(`bootspec nightly: no report for this attempt: ${(err as Error).message}\n`);
    }
  }
  if (night.complete) {
    mkdirSync(layout.historyDir, { recursive: true });
    for (const f of attemptDocs) copyFileSync(f, join(layout.historyDir, basename(f)));
  }
  writeFileSync(join(values.out, 'lanes.json'), statusJson);

  const nights = completeNights(values.out, keep);
  if (nights.length) {
    const inputs: ReportInput[] = nights.flatMap((n) => nightDocuments(n)).map((file) => ({ file }));
    publish(values.out, night.complete ? inputs : [...inputs, { file: join(values.out, 'lanes.json') }]);
  }
  const stale = status.filter((l) => !l.finished);
  process.stderr.write(
    night.complete
      ? `bootspec nightly: every lane finished; published ${join(values.out, 'index.html')}\n`
      : `bootspec nightly: ${stale.length} of ${status.length} lane(s) did not finish; ${nights.length ? 'the published report keeps the last complete night, with those lanes marked stale' : 'nothing published yet (no complete night)'}\n`,
  );
  return night.complete ? 0 : 1;
}
