/**
 * PUT /2022-07-01/telemetry and PUT /2020-08-15/logs against a real mock Runtime API: who may
 * subscribe, what a valid body is, and that only loopback destinations are taken.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RuntimeApi } from '../../../harness/api/runtime-api.ts';
import { RawRuntime } from '../helpers.ts';
import { TelemetryReceiver } from './receiver.ts';

let api: RuntimeApi;
let rt: RawRuntime;
let receiver: TelemetryReceiver;

beforeEach(async () => {
  api = await RuntimeApi.start();
  api.extensions.beginGeneration([]);
  rt = new RawRuntime(api.address);
  receiver = await TelemetryReceiver.start();
});
afterEach(async () => {
  await rt.close();
  await api.close();
  await receiver.close();
});

/** Registers an internal extension; returns its identifier. */
async function register(name = 'probe-ext'): Promise<string> {
  const r = await rt.call('POST', '/2020-01-01/extension/register', '{"events":["INVOKE"]}', { 'Lambda-Extension-Name': name });
  expect(r.status).toBe(200);
  return String(r.headers['lambda-extension-identifier']);
}

function body(over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    schemaVersion: '2022-12-13',
    types: ['platform', 'function'],
    buffering: { timeoutMs: 25 },
    destination: { protocol: 'HTTP', URI: `http://sandbox.localdomain:${receiver.port}/events` },
    ...over,
  });
}

const subscribe = (id: string | undefined, b: string, path = '/2022-07-01/telemetry') =>
  rt.call('PUT', path, b, id === undefined ? {} : { 'Lambda-Extension-Identifier': id });

describe('PUT /2022-07-01/telemetry', () => {
  it('subscribes a registered extension: 200 "OK", then platform.telemetrySubscription reaches its destination', async () => {
    const id = await register();
    const r = await subscribe(id, body());
    expect(r.status).toBe(200);
    expect(r.body).toBe('"OK"');
    await receiver.until((evs) => evs.some((e) => e.type === 'platform.telemetrySubscription'));
    const batch = receiver.batches[0];
    expect(batch).toMatchObject({ method: 'POST', path: '/events', contentType: 'application/json' });
    expect(receiver.events).toEqual([
      { time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), type: 'platform.telemetrySubscription', record: { name: 'probe-ext', state: 'Subscribed', types: ['platform', 'function'] } },
    ]);
  });

  it('refuses a call without, with a malformed, or with an unknown Lambda-Extension-Identifier (403)', async () => {
    expect((await subscribe(undefined, body())).json).toMatchObject({ errorType: 'Extension.MissingExtensionIdentifier' });
    expect((await subscribe('not-a-uuid', body())).json).toMatchObject({ errorType: 'Extension.InvalidExtensionIdentifier' });
    const unknown = await subscribe('8e0ae5c4-6b1c-4f50-8d7a-4a6d4a0a1f11', body());
    expect(unknown.status).toBe(403);
    expect(unknown.json).toEqual({ errorType: 'Extension.UnknownExtensionIdentifier', errorMessage: 'Unknown extension 8e0ae5c4-6b1c-4f50-8d7a-4a6d4a0a1f11' });
  });

  it('answers 400 ValidationError for a bad schema version, empty or unknown types and buffering out of range', async () => {
    const id = await register();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ schemaVersion: '2020-08-15' }, /schemaVersion must be one of "2022-07-01", "2022-12-13", "2025-01-29"/],
      [{ schemaVersion: undefined }, /schemaVersion/],
      [{ types: [] }, /types should not be empty/],
      [{ types: ['platform', 'metrics'] }, /unknown values \["metrics"\]/],
      [{ buffering: { maxItems: 999 } }, /buffering\.maxItems must be an integer from 1000 to 10000/],
      [{ buffering: { maxBytes: 2_000_000 } }, /buffering\.maxBytes must be an integer from 262144 to 1048576/],
      [{ buffering: { timeoutMs: 24 } }, /buffering\.timeoutMs must be an integer from 25 to 30000/],
      [{ buffering: { timeoutMs: 30_001 } }, /buffering\.timeoutMs/],
      [{ destination: { protocol: 'HTTP', URI: 'http://sandbox.localdomain/events' } }, /URI port is not provided/],
      [{ destination: { protocol: 'UDP', URI: 'x' } }, /protocol must be "HTTP" or "TCP"/],
    ];
    for (const [over, message] of cases) {
      const r = await subscribe(id, body(over));
      expect(r.status, JSON.stringify(over)).toBe(400);
      expect(r.json, JSON.stringify(over)).toMatchObject({ errorType: 'ValidationError', errorMessage: expect.stringMatching(message) });
    }
    expect((await subscribe(id, '{not json')).json).toMatchObject({ errorType: 'ValidationError' });
  });

  it('refuses a destination outside the environment, https, and TCP (not supported by bootspec)', async () => {
    const id = await register();
    for (const URI of ['http://example.com:8080/', 'http://127.0.0.2:8080/', 'http://[::1]:8080/', 'https://localhost:8080/']) {
      const r = await subscribe(id, body({ destination: { protocol: 'HTTP', URI } }));
      expect(r.status, URI).toBe(400);
      expect(r.json, URI).toMatchObject({ errorType: 'ValidationError' });
    }
    const outside = await subscribe(id, body({ destination: { protocol: 'HTTP', URI: 'http://example.com:8080/' } }));
    expect((outside.json as { errorMessage: string }).errorMessage).toMatch(/not inside the execution environment.*loopback only/);
    const tcp = await subscribe(id, body({ destination: { protocol: 'TCP', port: 4243 } }));
    expect(tcp.status).toBe(400);
    expect((tcp.json as { errorMessage: string }).errorMessage).toMatch(/"TCP" is not supported by bootspec/);
    expect(receiver.batches).toEqual([]);
  });

  it('takes subscriptions during init only (403 Telemetry.SubscriptionClosed after)', async () => {
    const id = await register();
    api.extensions.closeSubscriptions();
    const r = await subscribe(id, body());
    expect(r.status).toBe(403);
    expect(r.json).toEqual({ errorMessage: 'Telemetry API subscription is closed already', errorType: 'Telemetry.SubscriptionClosed' });
  });

  it('still takes a subscription once registration is closed (the runtime is ready) while the extensions are not yet', async () => {
    const id = await register();
    api.extensions.closeRegistration();
    const r = await subscribe(id, body());
    expect([r.status, r.body]).toEqual([200, '"OK"']);
  });
});

describe('PUT /2020-08-15/logs', () => {
  it('subscribes with the Logs API (schemaVersion optional) and answers Logs.ValidationError for bad input', async () => {
    const id = await register();
    const logsBody = (over: Record<string, unknown> = {}) => body({ schemaVersion: undefined, ...over });
    const bad = await subscribe(id, logsBody({ types: [] }), '/2020-08-15/logs');
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ errorType: 'Logs.ValidationError' });
    const ok = await subscribe(id, logsBody(), '/2020-08-15/logs');
    expect([ok.status, ok.body]).toEqual([200, '"OK"']);
    await receiver.until((evs) => evs.some((e) => e.type === 'platform.logsSubscription'));
    // One extension, one API: the Telemetry API now refuses it.
    const other = await subscribe(id, body());
    expect(other.status).toBe(400);
    expect((other.json as { errorMessage: string }).errorMessage).toMatch(/already subscribed through the Logs API/);
  });

  it('answers 403 Logs.SubscriptionClosed once init is over', async () => {
    const id = await register();
    api.extensions.closeSubscriptions();
    const r = await subscribe(id, body({ schemaVersion: undefined }), '/2020-08-15/logs');
    expect(r.status).toBe(403);
    expect(r.json).toEqual({ errorMessage: 'Logs API subscription is closed already', errorType: 'Logs.SubscriptionClosed' });
  });
});
