#!/usr/bin/env node
// Counts the verdicts of the gate's calibration runs kept by scripts/bench-gate.sh (GATE_KEEP=DIR:
// RUNTIME-MODE-RUN-aa.json and RUNTIME-MODE-RUN-plus10.json), in one folder or several (the parts of
// .github/workflows/gate-calibration.yml merged), and checks the targets per runtime and mode:
//   quiet — A/A without `regressed` and +10 % `regressed`, each in at least 19 of 20 runs;
//   hog   — no wrong verdict (A/A regressed or improved, +10 % unchanged or improved); inconclusive is allowed.
//   node scripts/gate-tally.mjs DIR... [--markdown] [--runs N --runtimes "a b" --modes "quiet hog"]
// exit 0 when every target is met, 1 when not, 2 on no runs. With --runs, --runtimes and --modes (as
// bench-gate.sh takes them) the tally is of a whole calibration: a cell with fewer runs, or none (a
// part that failed or was not downloaded), is not met.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const usage = 'usage: node scripts/gate-tally.mjs DIR... [--markdown] [--runs N --runtimes "a b" --modes "quiet hog"]';
let opts;
try {
  opts = parseArgs({ allowPositionals: true, options: { markdown: { type: 'boolean' }, runs: { type: 'string' }, runtimes: { type: 'string' }, modes: { type: 'string' } } });
} catch (err) {
  console.error(`gate-tally: ${err.message}\n${usage}`);
  process.exit(2);
}
const markdown = opts.values.markdown === true;
const dirs = opts.positionals;
const expectedRuns = opts.values.runs === undefined ? undefined : Number(opts.values.runs);
const whole = expectedRuns !== undefined || opts.values.runtimes !== undefined || opts.values.modes !== undefined;
if (dirs.length === 0 || (whole && !(Number.isInteger(expectedRuns) && expectedRuns > 0 && opts.values.runtimes && opts.values.modes))) {
  console.error(`${usage}\n(--runs, --runtimes and --modes go together; --runs is a positive whole number)`);
  process.exit(2);
}

const NAME = /^(.+)-(quiet|hog)-(\d+)-(aa|plus10)\.json$/;
/** Every kept result under the folders (the parts' artifacts may sit in subfolders). */
function files(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : NAME.test(f) ? [p] : [];
  });
}

const cells = new Map();
const seen = new Set();
for (const file of dirs.flatMap(files)) {
  const [, runtime, mode, run, kind] = NAME.exec(path.basename(file));
  const key = `${runtime} ${mode}`;
  if (seen.has(`${key} ${run} ${kind}`)) {
    console.error(`gate-tally: ${runtime} ${mode} run ${run} (${kind}) is kept twice; give each part its own GATE_FIRST_RUN`);
    process.exit(2);
  }
  seen.add(`${key} ${run} ${kind}`);
  const verdict = JSON.parse(readFileSync(file, 'utf8')).comparison?.verdict ?? 'none';
  const cell = cells.get(key) ?? { runtime, mode, aa: {}, plus10: {} };
  cell[kind][verdict] = (cell[kind][verdict] ?? 0) + 1;
  cells.set(key, cell);
}
if (cells.size === 0) {
  console.error(`gate-tally: no kept runs (RUNTIME-MODE-RUN-aa.json) under ${dirs.join(', ')}`);
  process.exit(2);
}

if (whole) {
  for (const runtime of opts.values.runtimes.split(/\s+/).filter(Boolean)) {
    for (const mode of opts.values.modes.split(/\s+/).filter(Boolean)) {
      if (!cells.has(`${runtime} ${mode}`)) cells.set(`${runtime} ${mode}`, { runtime, mode, aa: {}, plus10: {} });
    }
  }
}

const n = (counts, v) => counts[v] ?? 0;
const total = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);
let pass = true;
const rows = [...cells.values()].map((c) => {
  const runs = Math.min(total(c.aa), total(c.plus10));
  const need = Math.ceil((runs * 19) / 20);
  const met =
    runs >= (expectedRuns ?? 1) &&
    (c.mode === 'quiet'
      ? total(c.aa) - n(c.aa, 'regressed') >= need && n(c.plus10, 'regressed') >= need
      : n(c.aa, 'regressed') + n(c.aa, 'improved') + n(c.plus10, 'unchanged') + n(c.plus10, 'improved') === 0);
  pass &&= met;
  const list = (counts) => ['regressed', 'improved', 'inconclusive', 'unchanged'].map((v) => `${v} ${n(counts, v)}`).join(', ');
  const short = expectedRuns !== undefined && runs < expectedRuns ? ` (only ${runs} of ${expectedRuns} runs kept)` : '';
  const status = !met ? `NOT MET${short}` : runs < 20 ? `met in ${runs} of the 20 runs the target is stated for` : 'met';
  return { ...c, runs, met, status, aaText: list(c.aa), plusText: list(c.plus10) };
});
rows.sort((a, b) => a.runtime.localeCompare(b.runtime) || (a.mode === 'quiet' ? -1 : 1));

if (markdown) {
  console.log('| runtime | mode | runs | A/A | +10 % | target |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.runtime} | ${r.mode} | ${r.runs} | ${r.aaText} | ${r.plusText} | ${r.met ? r.status : `**not met**${r.status.slice('NOT MET'.length)}`} |`);
  console.log('\nTargets: quiet — A/A without `regressed` and +10 % `regressed` in at least 19 of 20 runs; hog — no wrong verdict (`inconclusive` allowed).');
} else {
  console.log('bench-gate: targets: quiet — A/A without regressed ≥ 19/20 and +10 % regressed ≥ 19/20; hog — no wrong verdict (inconclusive allowed)');
  for (const r of rows) console.log(`bench-gate: ${r.runtime} ${r.mode}: A/A ${r.aaText} · +10 % ${r.plusText} (of ${r.runs})  ${r.status}`);
}
process.exit(pass ? 0 : 1);
