import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { peekRuntime } from '../environment/manifest.ts';
import { prepareRuntime, type PreparedRuntime } from '../environment/prepare.ts';
import { BootspecError, ErrorCodes, isBootspecError } from '../errors.ts';
import { consoleReport, progressLine } from '../report/console.ts';
import { resultsDocument } from '../report/json.ts';
import { junitXml } from '../report/junit.ts';
import { buildHistory } from '../report/history.ts';
import { resultsInMemory } from '../report/history-documents.ts';
import { writeReports } from './report.ts';
import { loadCatalog, selectIds } from '../suite/catalog.ts';
import { type Area, resultBase } from '../suite/define.ts';
import { compareExpectations, type Expectations, loadExpectations, updateExpectations } from '../suite/expectations.ts';
import { claimedFeatures, lambdaRefusal, refusedPackageResults } from '../suite/package-refusal.ts';
import { runSuites } from '../suite/runner.ts';
import { summarize } from '../suite/summary.ts';
import type { RuntimeRun, ScenarioResult } from '../suite/types.ts';
import { parseShard } from '../shard/plan.ts';
import { markOtherShards, placeholderRun, planRunShard, shardSelection } from '../shard/run-shard.ts';
import { intFlag, numberFlag, type OpenedDriver, driverFromFlags, usage, CONTAINER_FLAGS_HELP } from './common.ts';

export const runHelp = `bootspec run <runtime>... [options]

Runs the conformance scenarios against each runtime (a folder with runtime.json, or with a bare
bootstrap) and prints a verdict per scenario: pass, fail (MUST broken), warn (SHOULD broken),
unsupported (feature not claimed), skip, error (the harness failed; never counted against the runtime).
Exits 0 when nothing failed or errored (and nothing differs from the expectations), 1 otherwise, 2 on bad usage.

  --only ID             run only scenarios whose id is ID or starts with ID. (an area); repeatable, or a,b
  --json F              write the results as JSON (docs/probe-contract.md#results; schemas/results.v1.schema.json)
  --junit F             write JUnit XML
  --html DIR            write the HTML report of this run to DIR/index.html (see bootspec report)
  --markdown F          write a Markdown summary of this run (CI step summary); - for stdout
  --strict              count warnings as failures
  --expectations F      compare with this expectations file (default: the manifest's "expectations")
  --no-expectations     ignore expectations files
  --update-expectations rewrite the expectations file from this run (a single runtime)
  --idle S              idle gap of the long-poll scenario in seconds (default 10)
  --thorough            the thorough profile: a 65 s idle gap
  --concurrency N       scenarios at once per worker (default 4; 2 workers)
  --handler H           _HANDLER for a bare bootstrap folder
  --driver D            how to start runtimes: process (default) or container (Docker: a
                        Lambda-like sandbox per environment; adds the sandbox.* scenarios)
${CONTAINER_FLAGS_HELP}  --no-sandbox          do not use bubblewrap even if it is installed
  --snap-start          run every environment as a SnapStart one (AWS_LAMBDA_INITIALIZATION_TYPE=snap-start:
                        init ends at /runtime/restore/next, then the environment is restored; docs/requirements.md#restore)
  --max-concurrency N   AWS_LAMBDA_MAX_CONCURRENCY the concurrency.* scenarios give a runtime that
                        claims \`concurrency\` (Lambda Managed Instances; default 4)
  --quiet               no progress lines
  --shard i/N           run shard i of N (runtime × scenario units, the same split on every machine);
                        bootspec report merges the shards' --json documents and names a missing one
  --shard-durations F   balance the shards by the durations in F (an earlier run's --json)
`;

/** `--only a,b --only c` as [a, b, c]: repeated flags and comma lists. */
export function splitList(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

const looksLikeRuntime = (dir: string) => peekRuntime(dir) !== undefined;

/** A folder whose runtime.json says "conformance": false (read without validating; runOne validates). */
const benchOnly = (dir: string) => peekRuntime(dir)?.conformance === false;

export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      only: { type: 'string', multiple: true },
      json: { type: 'string' },
      html: { type: 'string' },
      markdown: { type: 'string' },
      junit: { type: 'string' },
      strict: { type: 'boolean', default: false },
      expectations: { type: 'string' },
      'no-expectations': { type: 'boolean', default: false },
      'update-expectations': { type: 'boolean', default: false },
      idle: { type: 'string' },
      thorough: { type: 'boolean', default: false },
      concurrency: { type: 'string' },
      handler: { type: 'string' },
      driver: { type: 'string' },
      'base-image': { type: 'string' },
      'ephemeral-storage': { type: 'string' },
      cpu: { type: 'string' },
      'no-sandbox': { type: 'boolean', default: false },
      'snap-start': { type: 'boolean', default: false },
      'max-concurrency': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      shard: { type: 'string' },
      'shard-durations': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(runHelp);
    return 0;
  }
  if (positionals.length === 0) throw usage('name at least one runtime folder', 'bootspec run runtimes-under-test/node-plain');
  let dirs = positionals;
  if (dirs.length > 1) {
    for (const d of dirs.filter((x) => !looksLikeRuntime(x))) process.stderr.write(`bootspec: skipping ${d}: no runtime.json and no bootstrap\n`);
    for (const d of dirs.filter(benchOnly)) process.stderr.write(`bootspec: skipping ${d}: "conformance": false (a benchmark-only runtime)\n`);
    dirs = dirs.filter((d) => looksLikeRuntime(d) && !benchOnly(d));
  }
  if (values['update-expectations'] && dirs.length !== 1) throw usage('--update-expectations works on one runtime at a time');
  if (values.expectations && dirs.length !== 1) throw usage('--expectations names the file of one runtime; with several, each uses its manifest\'s');
  const idleS = values.thorough ? 65 : (numberFlag('idle', values.idle, 0, 900) ?? 10);
  const concurrency = intFlag('concurrency', values.concurrency, 1, 32) ?? 4;
  const noSandbox = values['no-sandbox'] ?? false;
  // A driver that cannot start (no Docker engine) is an error verdict for every scenario, with the fix.
  const opened = await driverFromFlags(values).catch((err: unknown) => {
    if (isBootspecError(err) && err.code !== ErrorCodes.USAGE) return err;
    throw err;
  });
  const driver = opened instanceof BootspecError ? undefined : opened.driver;
  if (driver?.warning) process.stderr.write(`bootspec: warning: ${driver.warning}\n`);

  const catalog = await loadCatalog();
  const selected = selectIds(catalog, splitList(values.only));
  const knownIds = new Set(catalog.flatMap((a) => a.scenarios.map((s) => s.meta.id)));
  const shardSpec = parseShard(values.shard);
  if (values['shard-durations'] !== undefined && !shardSpec) throw usage('--shard-durations balances shards: give --shard i/N too');
  const shard = shardSpec && planRunShard(dirs, selected, shardSpec, values['shard-durations']);
  if (shard) process.stderr.write(`bootspec: shard ${shard.index}/${shard.count} (group ${shard.group}, balanced by ${shard.balancedBy})\n`);
  const runs: RuntimeRun[] = [];
  try {
    for (const dir of dirs) {
      const mine = shard ? shardSelection(shard, dir, selected) : selected;
      const pathFidelity = driver?.pathFidelity ?? true;
      if (shard && mine.size === 0) {
        runs.push(placeholderRun(dir, catalog, shard, driver?.name ?? 'container', pathFidelity));
        continue;
      }
      const run = await runOne(dir, { catalog, selected: mine, knownIds, idleS, concurrency, noSandbox, pathFidelity, opened, values });
      runs.push(shard ? { ...run, results: markOtherShards(run.results, shard, run.runtime.name) } : run);
    }
  } finally {
    if (!(opened instanceof BootspecError)) await opened.dispose();
  }

  const doc = { ...resultsDocument(runs, { strict: values.strict ?? false }), ...(shard ? { shard } : {}) };
  if (values.json) write(values.json, `${JSON.stringify(doc, null, 2)}\n`);
  if (values.junit) write(values.junit, junitXml(runs, values.strict ?? false));
  process.stdout.write(`${consoleReport(runs)}\n`);
  if (values.html || values.markdown) {
    writeReports(buildHistory([resultsInMemory(doc, values.json ?? '(this run)')]), { html: values.html, markdown: values.markdown });
  }

  const failed = runs.some((run) => {
    if (run.summary.error > 0 || run.expectationDiffs.length > 0) return true;
    if (run.expectationsFile) return false;
    return run.summary.fail > 0 || (values.strict && run.summary.warn > 0);
  });
  return failed ? 1 : 0;
}

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

interface RunOneOptions {
  catalog: Area[];
  selected: Set<string>;
  knownIds: Set<string>;
  idleS: number;
  concurrency: number;
  noSandbox: boolean;
  pathFidelity: boolean;
  /** The driver (the container driver carries a prepared target), or why it could not start. */
  opened: OpenedDriver | BootspecError;
  values: { handler?: string | undefined; expectations?: string | undefined; 'no-expectations'?: boolean | undefined; 'update-expectations'?: boolean | undefined; quiet?: boolean | undefined; strict?: boolean | undefined; 'snap-start'?: boolean | undefined; 'max-concurrency'?: string | undefined };
}

async function runOne(dir: string, o: RunOneOptions): Promise<RuntimeRun> {
  const started = Date.now();
  const quiet = o.values.quiet ?? false;
  let prepared: PreparedRuntime | undefined;
  /** The expectations of a runtime whose package was refused, read without its manifest loading. */
  let refusedExpectations: string | undefined;
  let results: ScenarioResult[];
  let name = dir;
  const container = o.opened instanceof BootspecError ? undefined : o.opened.container;
  // only the container driver can fail to open (no engine)
  const driverName = o.opened instanceof BootspecError ? 'container' : o.opened.driver.name;
  let info: RuntimeRun['runtime'] = { name: dir, description: '', driver: driverName, dir, features: [], buildKey: '', pathFidelity: o.pathFidelity };
  try {
    if (o.opened instanceof BootspecError) throw o.opened;
    if (!quiet) process.stderr.write(`bootspec: preparing ${dir}\n`);
    prepared = await prepareRuntime(dir, {
      ...(o.values.handler === undefined ? {} : { handler: o.values.handler }),
      ...(quiet ? {} : { onBuildOutput: (line: string) => process.stderr.write(`  build | ${line}\n`) }),
    });
    const m = prepared.manifest;
    name = m.name;
    if (!m.conformance) {
      throw new BootspecError(ErrorCodes.USAGE, `${m.name} says "conformance": false in runtime.json: its function is not the probe, so scenarios cannot judge it`, {
        hint: 'use it with bootspec bench or invoke; leave it out of bootspec run',
      });
    }
    info = { name: m.name, description: m.description, driver: driverName, dir: m.dir, features: m.features, buildKey: prepared.build.key, pathFidelity: o.pathFidelity };
    if (!quiet) process.stderr.write(`bootspec: running ${o.selected.size} scenario(s) against ${m.name}\n`);
    results = await runSuites(
      o.catalog,
      {
        manifest: m,
        files: prepared.files,
        workDir: prepared.workDir,
        driver: driverName,
        ...(container ? { container } : {}),
        noSandbox: o.noSandbox,
        idleMs: o.idleS * 1000,
        thorough: o.idleS >= 65,
        ...(o.values['snap-start'] === true ? { snapStart: true } : {}),
        ...(o.values['max-concurrency'] === undefined ? {} : { maxConcurrency: intFlag('max-concurrency', o.values['max-concurrency'], 2, 64) as number }),
      },
      { selected: o.selected, concurrency: o.concurrency, ...(quiet ? {} : { onResult: (r: ScenarioResult) => process.stderr.write(`${progressLine(name, r)}\n`) }) },
    );
  } catch (err) {
    // A runtime that cannot be prepared (bad manifest, failed build) is a harness error for every scenario.
    if (!isBootspecError(err)) throw err;
    const message = err.describe();
    process.stderr.write(`bootspec: ${name}: ${message}\n`);
    if (lambdaRefusal(err) !== undefined) {
      // Unless Lambda itself would refuse the runtime's package: that is the runtime's verdict (layers.within-limits).
      const peek = peekRuntime(dir);
      name = peek?.name ?? name;
      refusedExpectations = peek?.expectations;
      const features = claimedFeatures(dir);
      info = { ...info, name, features };
      results = refusedPackageResults(o.catalog, o.selected, err, { features, driver: driverName, pathFidelity: o.pathFidelity });
    } else {
      results = o.catalog.flatMap((a) =>
        a.scenarios.map((s) => ({
          ...resultBase(a.name, s.meta),
          verdict: o.selected.has(s.meta.id) ? ('error' as const) : ('skip' as const),
          message: o.selected.has(s.meta.id) ? message : 'not selected (--only)',
          durationMs: 0,
        })),
      );
    }
  } finally {
    prepared?.dispose();
  }

  let expectationDiffs: RuntimeRun['expectationDiffs'] = [];
  const file = o.values['no-expectations'] ? undefined : (o.values.expectations ?? prepared?.manifest.expectations ?? refusedExpectations);
  if (file && o.values['update-expectations']) {
    const old: Expectations = existsSync(file) ? loadExpectations(file, o.knownIds) : {};
    const n = updateExpectations(file, results, old);
    process.stderr.write(`bootspec: wrote ${n} expectation(s) to ${file}; explain each TODO with evidence\n`);
  } else if (file) {
    expectationDiffs = compareExpectations(results, loadExpectations(file, o.knownIds));
  } else if (o.values['update-expectations']) {
    throw usage(`${name} has no expectations file`, 'add "expectations": "expectations.json" to runtime.json, or pass --expectations F');
  }
  return { runtime: info, results, summary: summarize(results), expectationDiffs, expectationsFile: file, startedAt: new Date(started).toISOString(), durationMs: Date.now() - started };
}
