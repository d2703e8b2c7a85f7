/**
 * The telemetry hub and its subscribers against a real loopback listener: init events replayed to a
 * late subscriber, filtering by type, batching on timeoutMs, the Logs API's older shapes, retries,
 * drops reported as platform.logsDropped, and a shutdown that a silent destination cannot hold up.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TelemetryHub } from '../../../harness/api/telemetry/hub.ts';
import { parseSubscription } from '../../../harness/api/telemetry/subscription.ts';
import type { SubscriptionRequest, TelemetryApiKind } from '../../../harness/api/telemetry/types.ts';
import { TelemetryReceiver } from './receiver.ts';

let receiver: TelemetryReceiver;
let hub: TelemetryHub;
beforeEach(async () => {
  receiver = await TelemetryReceiver.start();
  hub = new TelemetryHub();
});
afterEach(async () => {
  hub.close();
  await receiver.close();
});

function request(api: TelemetryApiKind, over: Record<string, unknown> = {}): SubscriptionRequest {
  const body = { schemaVersion: api === 'telemetry' ? '2022-12-13' : '2021-03-18', types: ['platform', 'function'], buffering: { timeoutMs: 25 }, destination: { protocol: 'HTTP', URI: `http://127.0.0.1:${receiver.port}/t` }, ...over };
  const parsed = parseSubscription(api, Buffer.from(JSON.stringify(body)));
  if (!parsed.ok) throw new Error(parsed.errorMessage);
  return parsed.value;
}

describe('TelemetryHub', () => {
  it('replays the init phase to an extension that subscribes during it, then reports in order, filtered by type', async () => {
    hub.beginInit('init', Date.parse('2026-01-01T00:00:00.000Z'));
    hub.log('function', 'init line', Date.now());
    hub.log('extension', 'an extension line', Date.now());
    expect(hub.subscribe('id-1', 'ext', request('telemetry')).ok).toBe(true);
    hub.initRuntimeDone({ kind: 'initRuntimeDone', phase: 'init', status: 'success' });
    hub.initRuntimeDone({ kind: 'initRuntimeDone', phase: 'init', status: 'error' }); // once per init
    hub.report({ kind: 'initReport', phase: 'init', status: 'success', durationMs: 12.345 });
    hub.endInit();
    hub.report({ kind: 'start', requestId: 'r1', version: '$LATEST' });
    hub.log('function', 'hello', Date.now());
    hub.report({ kind: 'end', requestId: 'r1' }); // a Logs API event only
    await receiver.until((evs) => evs.length >= 7);
    await hub.flush(1_000);
    const evs = receiver.events;
    expect(evs.map((e) => e.type)).toEqual([
      'platform.initStart',
      'function',
      'platform.telemetrySubscription',
      'platform.initRuntimeDone',
      'platform.initReport',
      'platform.start',
      'function',
    ]);
    expect(evs[0]).toEqual({ time: '2026-01-01T00:00:00.000Z', type: 'platform.initStart', record: { initializationType: 'on-demand', phase: 'init' } });
    expect(evs[1]?.record).toBe('init line');
    expect(evs[3]?.record).toEqual({ initializationType: 'on-demand', phase: 'init', status: 'success' });
    expect(evs[4]?.record).toEqual({ initializationType: 'on-demand', phase: 'init', status: 'success', metrics: { durationMs: 12.35 } });
    expect(evs[5]?.record).toEqual({ requestId: 'r1', version: '$LATEST' });
    // Pushed within 25 ms of each other: far fewer batches than events.
    expect(receiver.batches.length).toBeLessThan(evs.length);
  });

  it('gives extension lines to a subscriber of the extension stream only', async () => {
    hub.beginInit('init');
    hub.subscribe('id-1', 'ext', request('telemetry', { types: ['extension'] }));
    hub.endInit();
    hub.log('function', 'a function line', Date.now());
    hub.log('extension', 'an extension line', Date.now());
    hub.report({ kind: 'start', requestId: 'r1', version: '$LATEST' });
    await receiver.until((evs) => evs.length >= 1);
    await hub.flush(1_000);
    expect(receiver.events.map((e) => [e.type, e.record])).toEqual([['extension', 'an extension line']]);
  });

  it('renders the Logs API shapes: start, function line, runtimeDone (2021-03-18), end, report, fault', async () => {
    hub.beginInit('init');
    hub.subscribe('id-1', 'ext', request('logs'));
    hub.endInit();
    hub.report({ kind: 'start', requestId: 'r1', version: '$LATEST' });
    hub.log('function', 'hello', Date.now());
    hub.report({ kind: 'runtimeDone', requestId: 'r1', status: 'error', errorType: 'Runtime.ExitError', durationMs: 3, spans: [] });
    hub.report({ kind: 'end', requestId: 'r1' });
    hub.report({ kind: 'fault', text: 'RequestId: r1 Process exited before completing request' });
    const metrics = { durationMs: 3.5, billedDurationMs: 4, memorySizeMB: 128, maxMemoryUsedMB: 30, initDurationMs: 20.1 };
    hub.report({ kind: 'report', requestId: 'r1', status: 'failure', metrics });
    await receiver.until((evs) => evs.some((e) => e.type === 'platform.report'));
    expect(receiver.events.map((e) => [e.type, e.record])).toEqual([
      ['platform.logsSubscription', { name: 'ext', state: 'Subscribed', types: ['platform', 'function'] }],
      ['platform.start', { requestId: 'r1', version: '$LATEST' }],
      ['function', 'hello'],
      ['platform.runtimeDone', { requestId: 'r1', status: 'failure' }],
      ['platform.end', { requestId: 'r1' }],
      ['platform.fault', 'RequestId: r1 Process exited before completing request'],
      ['platform.report', { requestId: 'r1', metrics }],
    ]);
  });

  it('retries a failed POST, and reports a batch it gave up on as platform.logsDropped in the next one', async () => {
    hub.beginInit('init');
    hub.subscribe('id-1', 'ext', request('telemetry', { types: ['platform'] }));
    hub.endInit();
    receiver.failNext = [500];
    await hub.flush(2_000);
    // initStart + telemetrySubscription arrived once, after one 500.
    expect(receiver.events.map((e) => e.type)).toEqual(['platform.initStart', 'platform.telemetrySubscription']);
    receiver.failNext = [500, 503, 500];
    hub.report({ kind: 'start', requestId: 'lost', version: '$LATEST' });
    await hub.flush(2_000);
    hub.report({ kind: 'start', requestId: 'r2', version: '$LATEST' });
    await receiver.until((evs) => evs.some((e) => e.type === 'platform.start'));
    const last = receiver.batches.at(-1)?.events ?? [];
    expect(last.map((e) => e.type)).toEqual(['platform.logsDropped', 'platform.start']);
    expect(last[0]?.record).toMatchObject({ droppedRecords: 1, droppedBytes: expect.any(Number), reason: expect.any(String) });
    expect(last[1]?.record).toMatchObject({ requestId: 'r2' });
    expect(hub.subscribers[0]).toMatchObject({ extension: 'ext', api: 'telemetry', dropped: 1 });
  });

  it('never holds up a shutdown: flush gives up at its bound and close cuts the POST in flight', async () => {
    receiver.hang = true;
    hub.beginInit('init');
    hub.subscribe('id-1', 'ext', request('telemetry'));
    hub.endInit();
    const t0 = Date.now();
    await hub.flush(200);
    expect(Date.now() - t0).toBeLessThan(1_000);
    hub.close();
    expect(receiver.events).toEqual([]);
  });

  it('drops every subscriber with its generation: a new init starts with none', async () => {
    hub.beginInit('init');
    hub.subscribe('id-1', 'ext', request('telemetry'));
    hub.endInit();
    await receiver.until((evs) => evs.length >= 2);
    hub.beginInit('invoke');
    hub.endInit();
    hub.report({ kind: 'start', requestId: 'r1', version: '$LATEST' });
    await hub.flush(500);
    expect(hub.active).toBe(false);
    expect(receiver.events.map((e) => e.type)).toEqual(['platform.initStart', 'platform.telemetrySubscription']);
  });
});
