import junitModule, { type Builder } from 'junit-report-builder';
import type { RuntimeRun, ScenarioResult } from '../suite/types.ts';

// The package is CommonJS whose module.exports is the builder itself; its types describe an ES default.
const junit = junitModule as unknown as Builder;

function details(r: ScenarioResult): string {
  const lines = [`${r.level}: ${r.requirement}`, `source: ${r.source}`, `message: ${r.message}`];
  if (r.coveredBy !== undefined) lines.push(`precondition judged by: ${r.coveredBy}`);
  if (r.expected !== undefined) lines.push(`expected: ${r.expected}`);
  if (r.actual !== undefined) lines.push(`actual: ${r.actual}`);
  for (const e of r.evidence?.exchanges ?? []) lines.push(`  ${e.method} ${e.path} -> ${e.status || 'no answer'}${e.requestBody ? ` body: ${e.requestBody.slice(0, 120)}` : ''}`);
  if (r.evidence?.logTail.length) lines.push('runtime output:', ...r.evidence.logTail.map((l) => `  ${l}`));
  return lines.join('\n');
}

/**
 * JUnit XML, one testsuite per runtime and area: fail → failure, warn → failure only with --strict
 * (else a passing case with the warning in system-out), skip/unsupported/precondition-failed → skipped,
 * error → error.
 */
export function junitXml(runs: RuntimeRun[], strict: boolean): string {
  const builder = junit.newBuilder();
  for (const run of runs) {
    const areas = [...new Set(run.results.map((r) => r.area))];
    for (const area of areas) {
      const suite = builder.testSuite().name(`${run.runtime.name}.${area}`);
      for (const r of run.results.filter((x) => x.area === area)) {
        const tc = suite.testCase().className(`${run.runtime.name}.${area}`).name(`${r.id}: ${r.title}`).time(r.durationMs / 1000);
        if (r.verdict === 'fail' || (r.verdict === 'warn' && strict)) tc.failure(r.message, r.level).standardOutput(details(r));
        else if (r.verdict === 'error') tc.error(r.message, 'harness').standardOutput(details(r));
        else if (r.verdict === 'skip' || r.verdict === 'unsupported') tc.skipped().standardOutput(`${r.verdict}: ${r.message}`);
        // Not this scenario's failure: the covering scenario carries it.
        else if (r.verdict === 'precondition-failed') tc.skipped().standardOutput(`precondition failed (judged by ${r.coveredBy ?? '?'}): ${details(r)}`);
        else if (r.verdict === 'warn') tc.standardOutput(`warn (${r.level}): ${details(r)}`);
      }
    }
  }
  return builder.build();
}
