/** EnvironmentPool against the scripted fake runtime: how many environments, who waits, who is reused. */
import { afterEach, describe, expect, it } from 'vitest';
import { isBootspecError } from '../../harness/errors.ts';
import { EnvironmentPool } from '../../harness/invoke/pool.ts';
import { FakeDriver, fakeEnvironmentOptions, type FakeScript, until } from './fake-runtime.ts';

const pools: EnvironmentPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

function pool(driver: FakeDriver, size: number): EnvironmentPool {
  const p = new EnvironmentPool(fakeEnvironmentOptions(driver), size);
  pools.push(p);
  return p;
}

/** Holds every event until `open()`; counts the events held at once. */
function gate() {
  let release!: () => void;
  const opened = new Promise<void>((resolve) => {
    release = resolve;
  });
  const state = { held: 0, maxHeld: 0 };
  const script: FakeScript = async (rt) => {
    for (;;) {
      const ev = await rt.next();
      state.held += 1;
      state.maxHeld = Math.max(state.maxHeld, state.held);
      await opened;
      state.held -= 1;
      await rt.respond(ev.requestId, ev.body);
    }
  };
  return { script, state, open: () => release() };
}

describe('EnvironmentPool', () => {
  it('never holds more environments than its size; the rest wait in line', async () => {
    const g = gate();
    const p = pool(new FakeDriver(g.script), 2);

    const calls = [1, 2, 3].map((n) => p.invoke({ event: { n } }));
    await until('two events held by two environments', () => g.state.held === 2);
    expect(p.environments).toHaveLength(2);
    g.open();
    const records = await Promise.all(calls);

    expect(records.map((r) => r.outcome)).toEqual(['success', 'success', 'success']);
    expect(p.environments).toHaveLength(2);
    expect(g.state.maxHeld).toBe(2);
  });

  it('serves invocations in line, one at a time, with a size of 1', async () => {
    const p = pool(new FakeDriver((rt) => rt.echoLoop()), 1);

    const [a, b] = await Promise.all([p.invoke({ event: { n: 1 } }), p.invoke({ event: { n: 2 } })]);

    expect(p.environments).toHaveLength(1);
    expect(a?.response.payload.toString()).toBe('{"n":1}');
    expect(b?.response.payload.toString()).toBe('{"n":2}');
    expect(b?.timings.startedAt ?? 0).toBeGreaterThanOrEqual(a?.timings.completedAt ?? Number.POSITIVE_INFINITY);
    expect(b?.coldStart).toBe(false);
  });

  it('reuses a warm environment first, before one that must re-init', async () => {
    const g = gate();
    const driver = new FakeDriver(g.script);
    const p = pool(driver, 2);
    g.open();
    await Promise.all([p.invoke({}), p.invoke({})]);
    expect(p.environments).toHaveLength(2);
    const [first, second] = p.environments;
    // the first environment's runtime crashes between invocations: it would have to re-init
    driver.processes.find((x) => x.runtime.env.AWS_LAMBDA_RUNTIME_API === first?.api.address)?.crash();
    await until('the crash to be seen', () => first?.state === 'resetting');

    const r = await p.invoke({ event: { n: 3 } });

    expect(r.outcome).toBe('success');
    expect(r.suppressedInit).toBe(false);
    expect(second?.logs.some((l) => l.requestId === r.requestId)).toBe(true);
    expect(p.environments).toHaveLength(2);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a size of %s, naming the rule', (size) => {
    let err: unknown;
    try {
      new EnvironmentPool(fakeEnvironmentOptions(new FakeDriver((rt) => rt.echoLoop())), size);
    } catch (e) {
      err = e;
    }
    expect(isBootspecError(err, 'BOOTSPEC_ERR_USAGE')).toBe(true);
    expect((err as Error).message).toMatch(/whole number ≥ 1/);
  });
});
