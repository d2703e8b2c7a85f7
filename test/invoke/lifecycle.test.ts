/**
 * The execution environment's lifecycle against a scripted fake runtime (no real runtime, no
 * sandbox): each case drives the real mock Runtime API through one of Lambda's lifecycle paths.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExecutionEnvironment } from '../../harness/invoke/execution-environment.ts';
import type { ExecutionEnvironmentOptions } from '../../harness/invoke/types.ts';
import { FakeDriver, fakeEnvironmentOptions, type FakeScript, until } from './fake-runtime.ts';

const open: ExecutionEnvironment[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

async function environment(driver: FakeDriver, over: Partial<ExecutionEnvironmentOptions> = {}): Promise<ExecutionEnvironment> {
  const env = await ExecutionEnvironment.create(fakeEnvironmentOptions(driver, over));
  open.push(env);
  return env;
}

const echo: FakeScript = (rt) => rt.echoLoop();

describe('execution environment lifecycle', () => {
  it('retries a failed cold init inside the first invoke (suppressed init), which then succeeds', async () => {
    const failInit: FakeScript = async (rt) => {
      await rt.initError();
      await rt.exit(1);
    };
    const driver = new FakeDriver([failInit, echo]);
    const env = await environment(driver);

    const r = await env.invoke({ event: { n: 1 } });

    expect(r.outcome).toBe('success');
    expect(r.response.payload.toString()).toBe('{"n":1}');
    expect(r.coldStart).toBe(true);
    expect(r.suppressedInit).toBe(true);
    expect(r.inits.map((a) => a.kind)).toEqual(['init-error', 'ready']);
    expect(driver.processes).toHaveLength(2);
    expect(env.state).toBe('ready');
    expect(env.logs.some((l) => l.stream === 'platform' && l.text.startsWith('INIT_REPORT') && l.text.includes('Status: error'))).toBe(true);
  });

  it('gives an event whose process exited before delivery a fresh process: one suppressed init', async () => {
    // Posts its first result, then exits without asking for more; the exit is seen at once but its
    // output takes 600 ms to drain, so the next invoke starts while the environment still looks warm.
    const answerThenExit: FakeScript = async (rt) => {
      const ev = await rt.next();
      await rt.respond(ev.requestId, ev.body);
      await rt.exit(0, 600);
    };
    const driver = new FakeDriver([answerThenExit, echo]);
    const env = await environment(driver, { record: false });

    const first = await env.invoke({ event: { n: 1 } });
    expect(first.outcome).toBe('success');
    expect(env.state).toBe('ready');

    const second = await env.invoke({ event: { n: 2 } });

    expect(second.outcome).toBe('success');
    expect(second.response.payload.toString()).toBe('{"n":2}');
    expect(second.suppressedInit).toBe(true);
    expect(second.coldStart).toBe(false);
    expect(second.inits.map((a) => a.kind)).toEqual(['ready']);
    expect(second.deliveries).toBe(1);
    expect(driver.processes).toHaveLength(2);
    expect(driver.processes[0]?.signals).toEqual([]);
  });

  it('kills a runtime that posted /init/error and did not exit, after initErrorExitGraceMs, and records it', async () => {
    const failAndStay: FakeScript = async (rt) => {
      await rt.initError();
      await rt.hang();
    };
    const driver = new FakeDriver(failAndStay);
    const env = await environment(driver, { initErrorExitGraceMs: 300 });

    const a = await env.init();

    expect(a.kind).toBe('init-error');
    if (a.kind !== 'init-error') return;
    expect(a.exit).toBeUndefined();
    expect(a.exitedWithinMs).toBeUndefined();
    expect(driver.processes[0]?.signals).toEqual(['SIGKILL']);
    const initError = env.lifecycle.find((e) => e.kind === 'init-error');
    const kill = env.lifecycle.find((e) => e.kind === 'kill');
    expect(kill?.detail).toBe('still running after /init/error');
    expect((kill?.at ?? 0) - (initError?.at ?? 0)).toBeGreaterThanOrEqual(280);
    expect(env.state).toBe('resetting');
  });

  it('kills a runtime at the timeout, and the next invoke re-inits with /tmp kept', async () => {
    const writeThenHang: FakeScript = async (rt) => {
      await rt.next();
      writeFileSync(join(rt.tmpDir, 'kept.txt'), `written by generation ${rt.generation}`);
      await rt.hang();
    };
    const readTmp: FakeScript = async (rt) => {
      for (;;) {
        const ev = await rt.next();
        await rt.respond(ev.requestId, JSON.stringify(readFileSync(join(rt.tmpDir, 'kept.txt'), 'utf8')));
      }
    };
    const driver = new FakeDriver([writeThenHang, readTmp]);
    const env = await environment(driver);
    const tmpDir = env.tmpDir;

    const timedOut = await env.invoke({ timeoutMs: 300 });
    expect(timedOut.outcome).toBe('timeout');
    expect(timedOut.errorType).toBe('Sandbox.Timedout');
    expect(driver.processes[0]?.signals).toEqual(['SIGKILL']);
    expect(env.lifecycle.find((e) => e.kind === 'kill')?.detail).toBe('invoke timeout');
    expect(env.state).toBe('resetting');

    const next = await env.invoke();

    expect(next.outcome).toBe('success');
    expect(next.suppressedInit).toBe(true);
    expect(JSON.parse(next.response.payload.toString())).toBe('written by generation 1');
    expect(env.tmpDir).toBe(tmpDir);
    expect(driver.sandboxes).toHaveLength(1);
    expect(driver.processes.map((p) => p.runtime.tmpDir)).toEqual([tmpDir, tmpDir]);
  });

  it('times out an invocation whose result came but whose /next did not by the deadline: the caller keeps the result, the environment resets', async () => {
    const answerThenHang: FakeScript = async (rt) => {
      const ev = await rt.next();
      await rt.respond(ev.requestId, '"answered"');
      await rt.hang();
    };
    const driver = new FakeDriver([answerThenHang, echo]);
    const env = await environment(driver);

    const first = await env.invoke({ timeoutMs: 300 });
    expect(first.outcome).toBe('success');
    expect(first.response.payload.toString()).toBe('"answered"');
    await until('the deadline to reset the environment', () => env.state === 'resetting');
    expect(driver.processes[0]?.signals).toEqual(['SIGKILL']);
    expect(env.lifecycle.find((e) => e.kind === 'kill')?.detail).toMatch(/did not ask for the next event by the deadline/);

    const second = await env.invoke({ event: { n: 2 } });
    expect(second.outcome).toBe('success');
    expect(second.suppressedInit).toBe(true);
    expect(second.response.payload.toString()).toBe('{"n":2}');
  });

  it('leaves a runtime that asks for the next event in time alone', async () => {
    const driver = new FakeDriver(echo);
    const env = await environment(driver);
    await env.invoke({ timeoutMs: 200 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(env.state).toBe('ready');
    expect(env.lifecycle.filter((e) => e.kind === 'kill')).toEqual([]);
    expect(driver.processes).toHaveLength(1);
  });

  it('re-inits on the next invoke after a crash between invocations', async () => {
    const driver = new FakeDriver(echo);
    const env = await environment(driver);

    const first = await env.invoke({ event: { n: 1 } });
    expect(first.outcome).toBe('success');
    const crashed = driver.processes[0];
    crashed?.crash('SIGSEGV');
    await until('the environment to see the crash', () => env.state === 'resetting');

    const second = await env.invoke({ event: { n: 2 } });

    expect(second.outcome).toBe('success');
    expect(second.response.payload.toString()).toBe('{"n":2}');
    expect(second.coldStart).toBe(false);
    expect(second.suppressedInit).toBe(true);
    expect(second.generation).toBe(first.generation + 1);
    expect(env.lifecycle.filter((e) => e.kind === 'exit').map((e) => [e.generation, e.detail])).toEqual([[first.generation, 'signal SIGSEGV']]);
    expect(driver.processes).toHaveLength(2);
  });
});
