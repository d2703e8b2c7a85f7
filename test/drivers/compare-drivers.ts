/**
 * Driver parity check for CI: the same runtime must get the same verdict from both drivers on every
 * scenario they share; only the container-only scenarios (sandbox.*, skipped by the process driver)
 * may differ. Any other difference is a bug in one of the drivers, to be explained.
 *
 *   node --import tsx test/drivers/compare-drivers.ts process.json container.json
 *
 * Both files are `bootspec run --json` outputs (one or more runtimes each). Exits 1 on a difference.
 */
import { readFileSync } from 'node:fs';

interface Result {
  id: string;
  verdict: string;
  message: string;
}

interface Run {
  runtime: { name: string; driver: string };
  results: Result[];
}

export interface VerdictDifference {
  runtime: string;
  id: string;
  a: string;
  b: string;
  why: string;
}

/** Scenarios only a container can judge; the process driver skips them by design. */
export const CONTAINER_ONLY = /^sandbox\./;

export function compareRuns(a: Run[], b: Run[]): { differences: VerdictDifference[]; compared: number; missing: string[] } {
  const byName = new Map(b.map((r) => [r.runtime.name, r]));
  const differences: VerdictDifference[] = [];
  const missing: string[] = [];
  let compared = 0;
  for (const ra of a) {
    const rb = byName.get(ra.runtime.name);
    if (!rb) {
      missing.push(ra.runtime.name);
      continue;
    }
    const results = new Map(rb.results.map((r) => [r.id, r]));
    for (const x of ra.results) {
      if (CONTAINER_ONLY.test(x.id)) continue;
      const y = results.get(x.id);
      // A scenario one driver cannot show (notWithDriver) is not shared: that driver says so in its skip.
      if ([x, y].some((r) => r?.verdict === 'skip' && r.message.startsWith('not with --driver'))) continue;
      compared++;
      if (!y || x.verdict !== y.verdict) {
        differences.push({ runtime: ra.runtime.name, id: x.id, a: x.verdict, b: y?.verdict ?? 'absent', why: `${x.message} | ${y?.message ?? ''}` });
      }
    }
  }
  return { differences, compared, missing };
}

function runsOf(file: string): Run[] {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { runs?: Run[] };
  return doc.runs ?? [];
}

if (process.argv[1]?.endsWith('compare-drivers.ts')) {
  const [fa, fb] = process.argv.slice(2);
  if (!fa || !fb) {
    process.stderr.write('usage: node --import tsx test/drivers/compare-drivers.ts <process.json> <container.json>\n');
    process.exit(2);
  }
  const { differences, compared, missing } = compareRuns(runsOf(fa), runsOf(fb));
  for (const m of missing) process.stdout.write(`${m}: in ${fa} only\n`);
  for (const d of differences) process.stdout.write(`${d.runtime} ${d.id}: ${d.a} vs ${d.b}\n    ${d.why}\n`);
  process.stdout.write(`${compared} shared verdicts compared, ${differences.length} difference(s)\n`);
  process.exit(differences.length || missing.length ? 1 : 0);
}
