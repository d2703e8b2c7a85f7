/**
 * The telemetry-log-fd and json-logs scenarios against the known-bad runtimes built for them (process
 * driver, no sandbox): each defect fails the scenario it is for, with the evidence that shows it, and
 * the same runtime without the defect passes both areas.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assembleFiles, loadRuntime } from '../../harness/environment/index.ts';
import type { RunTarget } from '../../harness/suite/context.ts';
import { runScenario } from '../../harness/suite/define.ts';
import type { ScenarioResult } from '../../harness/suite/types.ts';
import jsonLogs from '../../suites/json-logs.ts';
import telemetryLogFd from '../../suites/telemetry-log-fd.ts';

const BROKEN = resolve(import.meta.dirname, '../../runtimes-under-test/broken');
const AREAS = [telemetryLogFd, jsonLogs];

/** Runs both areas against a broken runtime folder; `fixed` drops its defect (BROKEN unset). */
async function run(name: string, fixed = false): Promise<Record<string, ScenarioResult>> {
  const workDir = mkdtempSync(join(tmpdir(), 'bootspec-log-scenarios-'));
  const loaded = await loadRuntime(join(BROKEN, name));
  const manifest = fixed ? { ...loaded, env: {} } : loaded;
  const target: RunTarget = { manifest, files: await assembleFiles(manifest, workDir), workDir, driver: 'process', noSandbox: true, idleMs: 0, thorough: false };
  const results = await Promise.all(AREAS.flatMap((a) => a.scenarios.map((s) => runScenario(a.name, s, target))));
  return Object.fromEntries(results.map((r) => [r.id, r]));
}

const verdicts = (results: Record<string, ScenarioResult>) => Object.fromEntries(Object.entries(results).map(([id, r]) => [id, r.verdict]));

describe('log scenarios', () => {
  it('pass a runtime that frames whole records and filters JSON records by level', async () => {
    const results = await run('ignores-log-level', true);
    expect(verdicts(results)).toEqual({ 'telemetry-log-fd.frames': 'pass', 'json-logs.fields': 'pass', 'json-logs.level-filter': 'pass' });
  }, 30_000);

  it('fail a runtime that splits a multi-line record into frames, showing the pieces', async () => {
    const results = await run('splits-log-frames');
    expect(verdicts(results)).toEqual({ 'telemetry-log-fd.frames': 'fail', 'json-logs.fields': 'pass', 'json-logs.level-filter': 'pass' });
    expect(results['telemetry-log-fd.frames']?.message).toContain('does not hold the whole message');
    expect(results['telemetry-log-fd.frames']?.actual).toContain('third line');
  }, 30_000);

  it('fail a runtime whose frame lengths are not in bytes, with the decode error as evidence', async () => {
    const results = await run('frame-length-chars');
    expect(results['telemetry-log-fd.frames']?.verdict).toBe('fail');
    expect(results['telemetry-log-fd.frames']?.message).toContain('not a well-formed frame');
    expect(results['telemetry-log-fd.frames']?.actual).toMatch(/^at byte \d+ of generation \d+: /);
  }, 30_000);

  it('fail a runtime that writes DEBUG records at INFO, showing the record', async () => {
    const results = await run('ignores-log-level');
    expect(verdicts(results)).toEqual({ 'telemetry-log-fd.frames': 'pass', 'json-logs.fields': 'pass', 'json-logs.level-filter': 'fail' });
    expect(results['json-logs.level-filter']?.actual).toContain('"level\\":\\"DEBUG\\"');
  }, 30_000);
});
