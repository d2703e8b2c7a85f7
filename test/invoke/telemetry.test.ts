/**
 * The Telemetry and Logs APIs in a real execution environment: the extension-probe external
 * extension subscribes during init with a listener of its own on 127.0.0.1 and prints every batch it
 * receives; the runtime is node-plain (process driver). Checks the order and fields of the platform
 * events, and that the function's lines arrive.
 */
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../../harness/api/telemetry/types.ts';
import { ProcessDriver } from '../../harness/drivers/process.ts';
import { ExecutionEnvironment } from '../../harness/invoke/execution-environment.ts';
import type { LogLine } from '../../harness/invoke/types.ts';
import { probeSaid, telemetrySubscription } from '../../harness/suite/probe-extension.ts';
import { FAKE_CONFIG } from './fake-runtime.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const EXTENSION = join(ROOT, 'runtimes-under-test/extension-probe/extensions/bootspec-probe-extension');
const open: ExecutionEnvironment[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

async function environment(api: 'telemetry' | 'logs', maxConcurrency?: number, probeMode?: string): Promise<ExecutionEnvironment> {
  const workDir = mkdtempSync(join(tmpdir(), 'bootspec-telemetry-'));
  const taskRoot = join(workDir, 'task');
  const optDir = join(workDir, 'opt');
  mkdirSync(join(optDir, 'extensions'), { recursive: true });
  cpSync(join(ROOT, 'runtimes-under-test/node-plain'), taskRoot, { recursive: true });
  cpSync(EXTENSION, join(optDir, 'extensions/bootspec-probe-extension'));
  const env = await ExecutionEnvironment.create({
    files: { taskRoot, optDir, bootstrap: '/var/task/bootstrap', bootstrapHostPath: join(taskRoot, 'bootstrap'), unzippedBytes: 0 },
    driver: new ProcessDriver(),
    config: { ...FAKE_CONFIG, handler: 'probe.handler', memoryMb: 256, ...(maxConcurrency === undefined ? {} : { maxConcurrency }) },
    workDir,
    manifestEnv: { EXTENSION_PROBE_TELEMETRY: api, ...(probeMode ? { EXTENSION_PROBE: probeMode } : {}) },
  });
  open.push(env);
  return env;
}

const PREFIX = '[bootspec-probe-extension] ';

/** Every event the extension's listener received, in order. */
function received(lines: readonly LogLine[]): TelemetryEvent[] {
  return (probeSaid(lines, 'telemetry-batch') as { batch: TelemetryEvent[] }[]).flatMap((b) => b.batch);
}

describe('Telemetry API (2022-07-01) in an execution environment', () => {
  it('delivers the init and invoke platform events in order, with their fields, and the function lines', async () => {
    const env = await environment('telemetry');
    const r = await env.invoke({ event: { probe: 'log', stdout: ['hello from the function'], stderr: ['and from stderr'] } });
    expect(r.outcome).toBe('success');
    await env.close();
    const logs = env.logs;
    expect(probeSaid(logs, 'telemetry-subscribe')).toEqual([{ status: 200, body: '"OK"' }]);
    const batches = probeSaid(logs, 'telemetry-batch') as { method: string; path: string; contentType: string }[];
    expect(batches[0]).toMatchObject({ method: 'POST', path: '/telemetry', contentType: 'application/json' });

    const events = received(logs);
    const platform = events.filter((e) => e.type.startsWith('platform.')).map((e) => e.type);
    expect(platform).toEqual([
      'platform.initStart',
      'platform.telemetrySubscription',
      'platform.initRuntimeDone',
      'platform.extension',
      'platform.initReport',
      'platform.start',
      'platform.runtimeDone',
      'platform.report',
    ]);
    const byType = (t: string) => events.find((e) => e.type === t)?.record as Record<string, unknown>;
    expect(byType('platform.initStart')).toEqual({ initializationType: 'on-demand', phase: 'init' });
    expect(byType('platform.telemetrySubscription')).toEqual({ name: 'bootspec-probe-extension', state: 'Subscribed', types: ['platform', 'function'] });
    expect(byType('platform.initRuntimeDone')).toEqual({ initializationType: 'on-demand', phase: 'init', status: 'success' });
    expect(byType('platform.extension')).toEqual({ name: 'bootspec-probe-extension', state: 'Ready', events: ['INVOKE', 'SHUTDOWN'] });
    expect(byType('platform.initReport')).toMatchObject({ initializationType: 'on-demand', phase: 'init', status: 'success', metrics: { durationMs: expect.any(Number) } });
    expect(byType('platform.start')).toEqual({ requestId: r.requestId, version: '$LATEST', tracing: { type: 'X-Amzn-Trace-Id', value: r.request.traceId } });

    const done = byType('platform.runtimeDone');
    expect(done).toMatchObject({ requestId: r.requestId, status: 'success', metrics: { durationMs: expect.any(Number), producedBytes: r.runtimeResult?.kind === 'response' ? r.runtimeResult.payload.length : -1 } });
    expect((done.spans as { name: string }[]).map((s) => s.name)).toEqual(['responseLatency', 'responseDuration']);
    const report = byType('platform.report');
    expect(report).toMatchObject({ requestId: r.requestId, status: 'success' });
    expect(report.metrics).toEqual({
      durationMs: Math.round(r.timings.durationMs * 100) / 100,
      billedDurationMs: r.timings.billedDurationMs,
      memorySizeMB: 256,
      maxMemoryUsedMB: r.maxMemoryUsedMb ?? 0,
      initDurationMs: Math.round((r.timings.initDurationMs ?? 0) * 100) / 100,
    });

    // The function's lines, between platform.start and platform.runtimeDone; none of the extension's own.
    const types = events.map((e) => e.type);
    const fn = events.filter((e) => e.type === 'function').map((e) => e.record);
    expect(fn).toEqual(expect.arrayContaining(['hello from the function', 'and from stderr']));
    expect(types.indexOf('function', types.indexOf('platform.start'))).toBeLessThan(types.indexOf('platform.runtimeDone'));
    expect(fn.some((t) => String(t).startsWith(PREFIX))).toBe(false);
    // The environment tells an extension's lines from the function's.
    expect(logs.find((l) => l.text.startsWith(PREFIX))?.extension).toBe('bootspec-probe-extension');
    expect(logs.find((l) => l.text === 'hello from the function')?.extension).toBeUndefined();
    for (const e of events) expect(Number.isNaN(Date.parse(e.time))).toBe(false);
  });

  it('takes a subscription made after the runtime is ready but before the extension is (RAPID closes it once every extension is ready)', async () => {
    // The runtime's first /next comes well within 1.5 s; the extension subscribes after that, then asks for its first event.
    const env = await environment('telemetry', undefined, 'slow-subscribe:1500');
    const r = await env.invoke({ event: { probe: 'log', stdout: ['after a late subscription'] } });
    expect(r.outcome).toBe('success');
    const subscribedAt = env.exchanges.find((x) => x.path === '/2022-07-01/telemetry')?.startedAt;
    const runtimeReadyAt = env.exchanges.find((x) => x.path === '/2018-06-01/runtime/invocation/next')?.startedAt;
    expect(runtimeReadyAt).toBeLessThan(subscribedAt ?? 0);
    await env.close();
    expect(probeSaid(env.logs, 'telemetry-subscribe')).toEqual([{ status: 200, body: '"OK"' }]);
    expect(telemetrySubscription(env)).toBe('200 "OK"');
    expect(received(env.logs).filter((e) => e.type === 'function').map((e) => e.record)).toContain('after a late subscription');
  });

  it('reports a second, warm invocation without init events and without initDurationMs', async () => {
    const env = await environment('telemetry');
    await env.invoke({ event: { probe: 'echo', value: 1 } });
    const warm = await env.invoke({ event: { probe: 'throw', message: 'boom' } });
    expect(warm.outcome).toBe('function-error');
    await env.close();
    const events = received(env.logs);
    const reports = events.filter((e) => e.type === 'platform.report').map((e) => e.record as { requestId: string; status: string; metrics: Record<string, number> });
    expect(reports).toHaveLength(2);
    expect(reports[1]).toMatchObject({ requestId: warm.requestId, status: 'error', errorType: warm.errorType });
    expect(reports[1]?.metrics.initDurationMs).toBeUndefined();
    expect(events.filter((e) => e.type === 'platform.initStart')).toHaveLength(1);
  });

  it('puts a tenant-isolated invocation\'s tenantId on platform.start, runtimeDone and report, and none on another\'s', async () => {
    const env = await environment('telemetry');
    const blue = await env.invoke({ event: { probe: 'echo', value: 1 }, tenantId: 'blue' });
    const plain = await env.invoke({ event: { probe: 'echo', value: 2 } });
    await env.close();
    const events = received(env.logs);
    const of = (id: string) =>
      events
        .filter((e) => ['platform.start', 'platform.runtimeDone', 'platform.report'].includes(e.type) && (e.record as { requestId?: string }).requestId === id)
        .map((e) => [e.type, (e.record as { tenantId?: string }).tenantId]);
    expect(of(blue.requestId)).toEqual([['platform.start', 'blue'], ['platform.runtimeDone', 'blue'], ['platform.report', 'blue']]);
    expect(of(plain.requestId)).toEqual([['platform.start', undefined], ['platform.runtimeDone', undefined], ['platform.report', undefined]]);
  });

  it('reports each of several concurrent invocations (Managed Instances): start, runtimeDone and report per request id', async () => {
    const env = await environment('telemetry', 3);
    const records = await Promise.all([1, 2, 3].map((i) => env.invoke({ event: { probe: 'sleep', ms: 200 }, tenantId: `t-${i}` })));
    expect(records.map((r) => r.outcome)).toEqual(['success', 'success', 'success']);
    await env.close();
    const events = received(env.logs);
    for (const [i, r] of records.entries()) {
      const mine = events.filter((e) => (e.record as { requestId?: string }).requestId === r.requestId);
      expect(mine.map((e) => e.type)).toEqual(['platform.start', 'platform.runtimeDone', 'platform.report']);
      expect(mine.map((e) => (e.record as { tenantId?: string }).tenantId)).toEqual([`t-${i + 1}`, `t-${i + 1}`, `t-${i + 1}`]);
    }
    // they overlapped: at least two started before the first report
    const kinds = events.filter((e) => e.type === 'platform.start' || e.type === 'platform.report').map((e) => e.type);
    expect(kinds.slice(0, kinds.indexOf('platform.report')).length).toBeGreaterThanOrEqual(2);
    expect(events.filter((e) => e.type === 'platform.initStart')).toHaveLength(1);
  });

  it('tells a subscriber platform.runtimeDone (timeout) before the reset shuts its extension down', async () => {
    const env = await environment('telemetry');
    const r = await env.invoke({ event: { probe: 'sleep', ms: 3000 }, timeoutMs: 300 });
    expect(r.outcome).toBe('timeout');
    await env.close();
    const done = received(env.logs).filter((e) => e.type === 'platform.runtimeDone');
    expect(done.map((e) => e.record)).toEqual([expect.objectContaining({ requestId: r.requestId, status: 'timeout', errorType: r.errorType })]);
    // From the event's delivery (a little after the invocation started) to the deadline.
    const ms = (done[0]?.record as { metrics: { durationMs: number } } | undefined)?.metrics.durationMs ?? 0;
    expect(ms).toBeGreaterThan(200);
    expect(ms).toBeLessThanOrEqual(r.timings.durationMs);
  });
});

describe('Logs API (2020-08-15) in an execution environment', () => {
  it('delivers the older shapes: logsSubscription, start, function lines, runtimeDone (2021-03-18), end, report', async () => {
    const env = await environment('logs');
    const r = await env.invoke({ event: { probe: 'log', stdout: ['a logs api line'] } });
    await env.close();
    const events = received(env.logs);
    expect(events.filter((e) => e.type.startsWith('platform.')).map((e) => e.type)).toEqual([
      'platform.logsSubscription',
      'platform.extension',
      'platform.start',
      'platform.runtimeDone',
      'platform.end',
      'platform.report',
    ]);
    expect(events.find((e) => e.type === 'platform.start')?.record).toEqual({ requestId: r.requestId, version: '$LATEST' });
    expect(events.find((e) => e.type === 'platform.runtimeDone')?.record).toEqual({ requestId: r.requestId, status: 'success' });
    expect(events.find((e) => e.type === 'platform.report')?.record).toMatchObject({ requestId: r.requestId, metrics: { memorySizeMB: 256, initDurationMs: expect.any(Number) } });
    expect(events.filter((e) => e.type === 'function').map((e) => e.record)).toContain('a logs api line');
  });
});
