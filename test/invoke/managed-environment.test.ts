/**
 * An execution environment in Lambda Managed Instances mode (harness/invoke/managed-invoke.ts),
 * against a scripted fake runtime that runs AWS_LAMBDA_MAX_CONCURRENCY workers, each on its own
 * connection: invocations overlap, a timed-out one leaves the process running, the environment
 * variables say the mode, and an environment without maxConcurrency stays classic.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { ExecutionEnvironment } from '../../harness/invoke/execution-environment.ts';
import { EnvironmentPool } from '../../harness/invoke/pool.ts';
import { FAKE_CONFIG, FakeDriver, type FakeScript, fakeEnvironmentOptions } from './fake-runtime.ts';

const open: { close(): Promise<void> }[] = [];
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
  await Promise.all(clients.splice(0).map((c) => c.destroy().catch(() => undefined)));
});

/** One worker: takes events ({"ms": n}), waits n ms, answers with its id; a refused post is ignored. */
async function worker(address: string): Promise<never> {
  const c = new Client(`http://${address}`, { bodyTimeout: 0, headersTimeout: 0 });
  clients.push(c);
  for (;;) {
    const res = await c.request({ method: 'GET', path: '/2018-06-01/runtime/invocation/next' });
    const body = JSON.parse(await res.body.text()) as { ms?: number };
    const id = res.headers['lambda-runtime-aws-request-id'] as string;
    await sleep(body.ms ?? 0);
    const post = await c.request({ method: 'POST', path: `/2018-06-01/runtime/invocation/${id}/response`, body: JSON.stringify(id) });
    await post.body.text();
  }
}

const workers: FakeScript = async (rt) => {
  const n = Number(rt.env.AWS_LAMBDA_MAX_CONCURRENCY ?? '1');
  await Promise.all(Array.from({ length: n }, () => worker(rt.env.AWS_LAMBDA_RUNTIME_API as string)));
};

async function environment(maxConcurrency: number | undefined): Promise<{ env: ExecutionEnvironment; driver: FakeDriver }> {
  const driver = new FakeDriver([workers]);
  const config = maxConcurrency === undefined ? FAKE_CONFIG : { ...FAKE_CONFIG, maxConcurrency };
  const env = await ExecutionEnvironment.create(fakeEnvironmentOptions(driver, { config }));
  open.push(env);
  return { env, driver };
}

describe('managed-instances environment', () => {
  it('serves overlapping invocations, each answered to its own id, in one process', async () => {
    const { env, driver } = await environment(3);
    const records = await Promise.all([300, 300, 300].map((ms) => env.invoke({ event: { ms } })));
    expect(records.map((r) => r.outcome)).toEqual(['success', 'success', 'success']);
    for (const r of records) expect(r.response.payload.toString()).toBe(JSON.stringify(r.requestId));
    expect(env.api.managed?.stats.peakRunning).toBe(3);
    expect(driver.processes).toHaveLength(1);
    const launched = driver.processes[0]?.runtime.env;
    expect(launched?.AWS_LAMBDA_MAX_CONCURRENCY).toBe('3');
    expect(launched?.AWS_LAMBDA_INITIALIZATION_TYPE).toBe('lambda-managed-instances');
  });

  it('times one invocation out without killing the process; its late post gets 410', async () => {
    const { env, driver } = await environment(2);
    const [late, quick] = await Promise.all([env.invoke({ event: { ms: 600 }, timeoutMs: 200 }), env.invoke({ event: { ms: 0 } })]);
    expect(late?.outcome).toBe('timeout');
    expect(quick?.outcome).toBe('success');
    const end = Date.now() + 3000;
    while ((env.api.managed?.stats.lateRefused ?? 0) === 0 && Date.now() < end) await sleep(10);
    expect(env.api.managed?.stats.lateRefused).toBe(1);
    const after = await env.invoke({ event: { ms: 0 } });
    expect(after.outcome).toBe('success');
    expect(after.suppressedInit).toBe(false);
    expect(driver.processes).toHaveLength(1);
  });

  it('keeps the classic environment when maxConcurrency is absent', async () => {
    const { env, driver } = await environment(undefined);
    expect(env.managed).toBeUndefined();
    expect(env.api.managed).toBeUndefined();
    const r = await env.invoke({ event: { ms: 0 } });
    expect(r.outcome).toBe('success');
    expect(driver.processes[0]?.runtime.env.AWS_LAMBDA_MAX_CONCURRENCY).toBeUndefined();
    expect(driver.processes[0]?.runtime.env.AWS_LAMBDA_INITIALIZATION_TYPE).toBe(FAKE_CONFIG.initializationType);
  });

  it('refuses an invoke beyond maxConcurrency in flight in a pool (429 for serve)', async () => {
    const driver = new FakeDriver([workers]);
    const pool = new EnvironmentPool(fakeEnvironmentOptions(driver, { config: { ...FAKE_CONFIG, maxConcurrency: 2 } }), 1);
    open.push(pool);
    const running = [pool.invoke({ event: { ms: 300 } }), pool.invoke({ event: { ms: 300 } })];
    await expect(pool.invoke({ event: { ms: 0 } })).rejects.toMatchObject({ code: 'BOOTSPEC_ERR_LAMBDA_TOO_MANY_REQUESTS' });
    expect((await Promise.all(running)).map((r) => r.outcome)).toEqual(['success', 'success']);
  });
});
