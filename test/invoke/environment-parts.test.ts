/** The execution environment's parts on their own: the lifecycle table, the invocation slots, the shutdown phase. */
import { afterEach, describe, expect, it } from 'vitest';
import { isBootspecError } from '../../harness/errors.ts';
import { ExecutionEnvironment } from '../../harness/invoke/execution-environment.ts';
import { EnvironmentLifecycle } from '../../harness/invoke/lifecycle.ts';
import { InvocationSlots } from '../../harness/invoke/serial-queue.ts';
import { FakeDriver, fakeEnvironmentOptions } from './fake-runtime.ts';

describe('EnvironmentLifecycle', () => {
  it('allows Lambda\'s paths: init, invoke, reset, re-init, shutdown', () => {
    const l = new EnvironmentLifecycle();
    for (const s of ['initializing', 'ready', 'invoking', 'resetting', 'initializing', 'ready', 'invoking', 'ready', 'shutting-down', 'closed'] as const) l.to(s);
    expect(l.state).toBe('closed');
  });

  it('denies anything else with a typed error (a harness bug)', () => {
    const l = new EnvironmentLifecycle();
    let err: unknown;
    try {
      l.to('invoking');
    } catch (e) {
      err = e;
    }
    expect(isBootspecError(err, 'BOOTSPEC_ERR_ENVIRONMENT_TRANSITION_DENIED')).toBe(true);
    expect(l.state).toBe('fresh');
    expect(() => new EnvironmentLifecycle().to('restoring')).toThrow(/fresh to restoring/);
  });

  it('lets a phase still in flight end quietly once shutting down', () => {
    const l = new EnvironmentLifecycle();
    l.to('initializing');
    l.to('shutting-down');
    expect(l.to('ready')).toBe('shutting-down');
    expect(() => l.to('invoking')).toThrow(/shutting-down to invoking/);
  });
});

describe('InvocationSlots', () => {
  it('runs at most maxConcurrency tasks at once, the rest in call order', async () => {
    const slots = new InvocationSlots(2);
    const order: number[] = [];
    let running = 0;
    let most = 0;
    const task = async (n: number) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      order.push(n);
      running -= 1;
      return n;
    };
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => slots.run(task, n)));
    expect(results).toEqual([1, 2, 3, 4, 5]);
    expect(most).toBe(2);
    expect(order).toEqual([1, 2, 3, 4, 5]);
  });

  it('does not run a task its admission refuses, and frees the slot', async () => {
    const slots = new InvocationSlots();
    const refused = slots.run(async () => 'ran', undefined, () => {
      throw new Error('closed');
    });
    await expect(refused).rejects.toThrow('closed');
    await expect(slots.run(async () => 'ran', undefined)).resolves.toBe('ran');
    expect(slots.running).toBe(0);
  });
});

describe('the shutdown phase', () => {
  const open: ExecutionEnvironment[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((e) => e.close()));
  });

  it('sends SIGTERM, waits the grace period, then SIGKILLs a runtime that stays, recording each step', async () => {
    const driver = new FakeDriver((rt) => rt.echoLoop(), { ignoreSigterm: true });
    const env = await ExecutionEnvironment.create(fakeEnvironmentOptions(driver, { shutdownGraceMs: 200 }));
    open.push(env);
    await env.init();

    await env.close();

    expect(driver.processes[0]?.signals).toEqual(['SIGTERM', 'SIGKILL']);
    const steps = env.lifecycle.filter((e) => ['shutdown', 'sigterm', 'sigkill', 'closed'].includes(e.kind));
    expect(steps.map((e) => e.kind)).toEqual(['shutdown', 'sigterm', 'sigkill', 'closed']);
    expect((steps[2]?.at ?? 0) - (steps[1]?.at ?? 0)).toBeGreaterThanOrEqual(180);
    expect(env.state).toBe('closed');
    expect(driver.sandboxes[0]?.disposed).toBe(true);
    await expect(env.invoke()).rejects.toMatchObject({ code: 'BOOTSPEC_ERR_ENVIRONMENT_CLOSED' });
  });

  it('ends at SIGTERM when the runtime exits within the grace period', async () => {
    const driver = new FakeDriver((rt) => rt.echoLoop());
    const env = await ExecutionEnvironment.create(fakeEnvironmentOptions(driver, { shutdownGraceMs: 2000 }));
    open.push(env);
    await env.init();

    await env.close();

    expect(driver.processes[0]?.signals).toEqual(['SIGTERM']);
    expect(env.lifecycle.some((e) => e.kind === 'sigkill')).toBe(false);
  });
});
