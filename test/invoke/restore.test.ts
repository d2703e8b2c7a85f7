/**
 * SnapStart's restore phase in an execution environment (harness/invoke/restore-phase.ts), against a
 * scripted fake runtime: init ends at restore/next, the environment is restored, and the restore
 * ends at the first /next or at /restore/error.
 */
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { ExecutionEnvironment } from '../../harness/invoke/execution-environment.ts';
import type { ExecutionEnvironmentOptions } from '../../harness/invoke/types.ts';
import { FAKE_CONFIG, FakeDriver, fakeEnvironmentOptions, type FakeRuntime, type FakeScript } from './fake-runtime.ts';

const open: ExecutionEnvironment[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

async function environment(driver: FakeDriver, snapStart: boolean, over: Partial<ExecutionEnvironmentOptions> = {}): Promise<ExecutionEnvironment> {
  const config = snapStart ? { ...FAKE_CONFIG, initializationType: 'snap-start' as const } : FAKE_CONFIG;
  const env = await ExecutionEnvironment.create(fakeEnvironmentOptions(driver, { config, ...over }));
  open.push(env);
  return env;
}

async function call(rt: FakeRuntime, method: 'GET' | 'POST', path: string, body?: string, headers: Record<string, string> = {}): Promise<number> {
  const res = await request(`http://${rt.env.AWS_LAMBDA_RUNTIME_API}/2018-06-01${path}`, { method, body: body ?? null, headers });
  await res.body.text();
  return res.statusCode;
}

/** What the runtime saw, in order: its restore calls' statuses and its hooks. */
const seen: string[] = [];

const restoring: FakeScript = async (rt) => {
  seen.push(`init-type ${rt.env.AWS_LAMBDA_INITIALIZATION_TYPE}`);
  seen.push(`restore/next ${await call(rt, 'GET', '/runtime/restore/next')}`);
  seen.push('after-restore hook');
  await rt.echoLoop();
};

const failingRestore: FakeScript = async (rt) => {
  await call(rt, 'GET', '/runtime/restore/next');
  const status = await call(rt, 'POST', '/runtime/restore/error', '{"errorType":"HookError","errorMessage":"after-restore hook failed"}', { 'Lambda-Runtime-Function-Error-Type': 'Runtime.AfterRestoreError' });
  seen.push(`restore/error ${status}`);
  await rt.exit(65);
};

describe('SnapStart restore phase', () => {
  it('ends init at restore/next, restores, and serves events after the first /next', async () => {
    seen.length = 0;
    const env = await environment(new FakeDriver(restoring), true);
    const r = await env.invoke({ event: { n: 1 } });
    expect(r.outcome).toBe('success');
    expect(r.response.payload.toString()).toBe('{"n":1}');
    expect(seen).toEqual(['init-type snap-start', 'restore/next 200', 'after-restore hook']);
    expect(r.inits.map((a) => a.kind)).toEqual(['ready']);
    expect(env.lifecycle.map((e) => e.kind)).toEqual(['spawn', 'ready', 'restore', 'ready']);
    expect(env.exchanges.map((e) => `${e.route} ${e.status} ${e.stateAfter}`).slice(0, 2)).toEqual(['restore-next 200 Restoring', 'next 200 Running']);
    expect(env.state).toBe('ready');
    const again = await env.invoke({ event: { n: 2 } });
    expect(again.outcome).toBe('success');
  });

  it('fails the restore at /restore/error: the invoke gets it like an init error, the environment resets', async () => {
    seen.length = 0;
    const env = await environment(new FakeDriver(failingRestore), true, { retryInitOnInvoke: false });
    const r = await env.invoke({ event: { n: 1 } });
    expect(seen).toEqual(['restore/error 202']);
    expect(r.outcome).toBe('init-error');
    expect(r.errorType).toBe('HookError');
    const init = r.inits[0];
    expect(init?.kind).toBe('init-error');
    if (init?.kind === 'init-error') expect(init.report.errorTypeHeader).toBe('Runtime.AfterRestoreError');
    expect(env.lifecycle.map((e) => e.kind)).toContain('restore-error');
    expect(env.state).toBe('resetting');
  });

  it('leaves a runtime that skips restore/next to end init at /next, as RAPID does', async () => {
    const env = await environment(new FakeDriver((rt) => rt.echoLoop()), true);
    const r = await env.invoke({ event: { n: 1 } });
    expect(r.outcome).toBe('success');
    expect(env.lifecycle.map((e) => e.kind)).toEqual(['spawn', 'ready']);
  });

  it('answers restore/next as an unknown path outside SnapStart, and the environment is the classic one', async () => {
    seen.length = 0;
    const env = await environment(new FakeDriver(restoring), false);
    const r = await env.invoke({ event: { n: 1 } });
    expect(r.outcome).toBe('success');
    expect(seen).toEqual(['init-type on-demand', 'restore/next 404', 'after-restore hook']);
    expect(env.lifecycle.map((e) => e.kind)).toEqual(['spawn', 'ready']);
  });
});
