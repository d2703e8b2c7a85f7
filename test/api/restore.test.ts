/**
 * SnapStart's restore endpoints on the mock Runtime API (harness/api/restore.ts): status codes,
 * bodies and state names as RAPID's restorenext.go / restoreerror.go, and nothing of it outside
 * that mode.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RuntimeApi } from '../../harness/api/runtime-api.ts';
import type { RestoreGate } from '../../harness/api/restore.ts';
import { validErrorType } from '../../harness/api/restore.ts';
import { RawRuntime } from './helpers.ts';

const open: { api: RuntimeApi; clients: RawRuntime[] }[] = [];
afterEach(async () => {
  // The API first: it cuts a restore/next still parked, which a client's close would wait for.
  for (const o of open.splice(0)) {
    await o.api.close();
    await Promise.all(o.clients.map((c) => c.client.destroy().catch(() => undefined)));
  }
});

async function start(snapStart: boolean) {
  const api = await RuntimeApi.start({ snapStart });
  const clients: RawRuntime[] = [];
  open.push({ api, clients });
  const client = () => {
    const c = new RawRuntime(api.address);
    clients.push(c);
    return c;
  };
  return { api, client };
}

const RESTORE_NEXT = '/2018-06-01/runtime/restore/next';
const RESTORE_ERROR = '/2018-06-01/runtime/restore/error';

/** A runtime parked on restore/next (init over), and the environment restored: its 200 back. */
async function restored() {
  const s = await start(true);
  const rt = s.client();
  const pending = rt.call('GET', RESTORE_NEXT);
  await s.api.initOutcome();
  const gate = s.api.restoreGate as RestoreGate;
  expect(gate.resume(s.api)).toBe(true);
  const answer = await pending;
  return { ...s, rt, gate, answer };
}

describe('restore endpoints outside SnapStart', () => {
  it('answer exactly as an unknown path, whatever the method', async () => {
    const { client } = await start(false);
    const rt = client();
    const unknown = await rt.call('GET', '/2018-06-01/runtime/bogus');
    for (const [method, path] of [['GET', RESTORE_NEXT], ['POST', RESTORE_NEXT], ['POST', RESTORE_ERROR], ['GET', RESTORE_ERROR]] as const) {
      const a = await rt.call(method, path, method === 'POST' ? '{}' : undefined);
      expect(a.status, `${method} ${path}`).toBe(unknown.status);
      expect(a.body).toBe(unknown.body);
    }
  });
});

describe('GET /runtime/restore/next (SnapStart)', () => {
  it('ends init at once, and answers 200 with an empty body only when the environment is restored', async () => {
    const { api, client } = await start(true);
    const rt = client();
    let answered = false;
    const pending = rt.call('GET', RESTORE_NEXT).then((a) => {
      answered = true;
      return a;
    });
    const outcome = await api.initOutcome();
    expect(outcome.kind).toBe('ready');
    expect(api.state).toBe('RestoreReady');
    expect(api.restoreGate?.snapshotTaken).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(answered).toBe(false);
    api.restoreGate?.resume(api);
    const a = await pending;
    expect(a.status).toBe(200);
    expect(a.body).toBe('');
    expect(api.state).toBe('Restoring');
  });

  it('refuses /next, /init/error and a second restore/next while parked, with RAPID\'s 403', async () => {
    const { api, client } = await start(true);
    void client().call('GET', RESTORE_NEXT).catch(() => undefined); // cut by the API's close
    await api.initOutcome();
    const other = client();
    const next = await other.next();
    expect(next.status).toBe(403);
    expect(next.json).toEqual({ errorMessage: 'State transition from RestoreReady to Ready failed for runtime. Error: State transition is not allowed', errorType: 'InvalidStateTransition' });
    const initError = await other.initError();
    expect(initError.status).toBe(403);
    expect((initError.json as { errorMessage: string }).errorMessage).toContain('from RestoreReady to InitError');
    const again = await other.call('GET', RESTORE_NEXT);
    expect(again.status).toBe(403);
    expect((again.json as { errorMessage: string }).errorMessage).toContain('from RestoreReady to Ready');
  });

  it('refuses restore/next after init ended at /next (the runtime skipped the restore)', async () => {
    const { api, client } = await start(true);
    void client().next().catch(() => undefined); // cut by the API's close
    await api.initOutcome();
    const a = await client().call('GET', RESTORE_NEXT);
    expect(a.status).toBe(403);
    expect((a.json as { errorMessage: string }).errorMessage).toContain('from Ready to Ready');
    expect(api.restoreGate?.snapshotTaken).toBe(false);
  });

  it('answers 405 to another method in SnapStart', async () => {
    const { client } = await start(true);
    const a = await client().call('POST', RESTORE_NEXT, '{}');
    expect(a.status).toBe(405);
  });
});

describe('the restore phase ends (SnapStart)', () => {
  it('at the first /next: the restore is over, the /next parks for an event', async () => {
    const { api, rt, gate, answer } = await restored();
    expect(answer.status).toBe(200);
    void rt.next().catch(() => undefined); // cut by the API's close
    const o = await gate.outcome;
    expect(o.kind).toBe('ready');
    expect(api.state).toBe('Ready');
  });

  it('at POST /restore/error: 202 {"status":"OK"}, with the posted error type', async () => {
    const { api, rt, gate } = await restored();
    const a = await rt.call('POST', RESTORE_ERROR, '{"errorType":"E","errorMessage":"hook"}', { 'Lambda-Runtime-Function-Error-Type': 'Runtime.AfterRestoreError' });
    expect(a.status).toBe(202);
    expect(a.body).toBe('{"status":"OK"}\n');
    const o = await gate.outcome;
    expect(o.kind).toBe('restore-error');
    if (o.kind === 'restore-error') {
      expect(o.report.errorTypeHeader).toBe('Runtime.AfterRestoreError');
      expect(o.report.payload.toString()).toContain('hook');
    }
    expect(api.state).toBe('RuntimeRestoreErrorState');
    const next = await rt.next();
    expect(next.status).toBe(403);
    expect((next.json as { errorMessage: string }).errorMessage).toContain('from RuntimeRestoreErrorState to Ready');
  });

  it('refuses restore/error before the restore, naming RuntimeRestoreErrorState', async () => {
    const { client } = await start(true);
    const a = await client().call('POST', RESTORE_ERROR, '{}', { 'Lambda-Runtime-Function-Error-Type': 'Runtime.AfterRestoreError' });
    expect(a.status).toBe(403);
    expect(a.json).toEqual({ errorMessage: 'State transition from Started to RuntimeRestoreErrorState failed for runtime. Error: State transition is not allowed', errorType: 'InvalidStateTransition' });
  });

  it('keeps only error types RAPID accepts', () => {
    expect(validErrorType('Runtime.AfterRestoreError')).toBe('Runtime.AfterRestoreError');
    expect(validErrorType('Function.Hook')).toBe('Function.Hook');
    expect(validErrorType('Function.x')).toBe('Function.Unknown');
    expect(validErrorType('ProbeRestoreError')).toBe('Runtime.Unknown');
    expect(validErrorType(undefined)).toBe('Runtime.Unknown');
  });
});
