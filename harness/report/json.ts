import { readFileSync } from 'node:fs';
import type { RuntimeRun } from '../suite/types.ts';
import { describeHost, manifestAsRun } from './history-host.ts';

export const RESULTS_SCHEMA_VERSION = 1;

export function toolVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/**
 * The machine-readable results of docs/probe-contract.md#results. The top-level `runtime`/`results`/`summary` describe
 * the first runtime (what single-runtime consumers read); `runs` holds every runtime of the call.
 */
export function resultsDocument(runs: RuntimeRun[], extra: { strict: boolean }): Record<string, unknown> {
  const first = runs[0] as RuntimeRun;
  const run = (r: RuntimeRun) => ({
    runtime: r.runtime,
    results: r.results,
    summary: r.summary,
    expectationDiffs: r.expectationDiffs,
    startedAt: r.startedAt,
    durationMs: r.durationMs,
    // runtime.json as run and the machine, so a published report shows exactly what was tested
    ...manifestAsRun(r.runtime.dir),
  });
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: 'bootspec', version: toolVersion() },
    generatedAt: new Date().toISOString(),
    strict: extra.strict,
    host: describeHost(),
    ...run(first),
    runs: runs.map(run),
  };
}
