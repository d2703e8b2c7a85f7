/**
 * A short real `bootspec bench --phases streaming`: node-plain streams from its streaming handler
 * and gets time to first byte and throughput beside the minimal client's floor; null-c, which does
 * not claim `streaming`, is skipped with the reason printed. Tiny counts: a few seconds of CPU.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { schemaProblems } from '../../harness/bench/result-file.ts';
import type { BenchResult } from '../../harness/bench/types.ts';
import { cli, ROOT } from '../e2e/cli.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'bootspec-stream-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SHORT = ['--phases', 'streaming', '--invokes', '10', '--rounds', '2', '--warmup', '1', '--pin', 'none', '--quiet'];

describe('bootspec bench --phases streaming', () => {
  it('measures node-plain’s streams with the floor beside them, in the console and the result', () => {
    const file = path.join(dir, 'node-plain.json');
    const r = cli(['bench', 'runtimes-under-test/node-plain', ...SHORT, '--json', file], 140_000);
    expect(r.stderr).not.toMatch(/internal/);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/streaming \(handler probe\.streaming, bandwidth rule off\)/);
    expect(r.stdout).toMatch(/128 × 64 KiB/);
    const result = JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
    expect(schemaProblems(result)).toEqual([]);
    expect(result.streaming?.skipped).toBeNull();
    const streams = result.streaming?.streams ?? [];
    expect(streams.map((s) => s.stream)).toEqual(['8 × 64 KiB', '128 × 64 KiB']);
    for (const s of streams) {
      expect(s.invokes).toBe(10); // 2 rounds of 5
      expect(s.ttfb.p50Us).toBeGreaterThan(0);
      expect(s.complete.p50Us).toBeGreaterThanOrEqual(s.ttfb.p50Us);
    }
    // 8 MiB over loopback cannot arrive within one millisecond: it has a span, so a throughput.
    expect(streams[1]?.throughputMiBps).toBeGreaterThan(1);
    expect(result.streamingFloor?.streams.map((s) => s.ttfb.samples)).toEqual([streams[0]?.invokes, streams[1]?.invokes]);
    expect(Object.keys(result.raw.streaming ?? {})).toEqual(['8 × 64 KiB', '128 × 64 KiB']);
  }, 150_000);

  it('keeps the run when a runtime claims streaming but its stream op fails, and saves why', () => {
    // node-plain's runtime with a streaming handler that throws before its first byte (so posts /error).
    const runtime = path.join(dir, 'claims-streaming');
    mkdirSync(runtime);
    for (const f of ['bootstrap', 'runtime.js']) copyFileSync(path.join(ROOT, 'runtimes-under-test', 'node-plain', f), path.join(runtime, f));
    writeFileSync(path.join(runtime, 'probe.js'), "exports.handler = async (event) => event;\nexports.streaming = async () => { throw new Error('no streaming here'); };\n");
    writeFileSync(path.join(runtime, 'runtime.json'), JSON.stringify({ name: 'claims-streaming', description: 'claims streaming, cannot', probe: 1, function: '.', handler: 'probe.handler', features: ['streaming'] }));
    const file = path.join(dir, 'claims.json');
    const r = cli(['bench', runtime, ...SHORT, '--json', file], 80_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: claims-streaming claims `streaming` but its stream op failed: .*an error posted to \/error/);
    const result = JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
    expect(result.streaming?.skipped).toMatch(/stream op failed/);
    expect(result.streaming?.streams).toEqual([]);
    expect(result.raw.streaming).toBeUndefined();
  }, 90_000);

  it('skips a runtime that does not claim streaming, and says why', () => {
    const file = path.join(dir, 'null-c.json');
    const r = cli(['bench', 'runtimes-under-test/null-c', ...SHORT, '--json', file], 80_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/streaming skipped: null-c does not claim the `streaming` feature/);
    const result = JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
    expect(result.streaming).toEqual({ skipped: 'null-c does not claim the `streaming` feature in runtime.json', handler: null, streams: [] });
    expect(result.streamingFloor).toBeNull();
  }, 90_000);
});
