/**
 * The mock Runtime API in Lambda Managed Instances mode (harness/api/managed/): several workers on
 * /next at once, each invocation matched by its own id, 410 for a late post, refusals beyond the
 * limit. Each worker is its own connection, as a runtime's worker threads or processes would be.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RuntimeApi } from '../../harness/api/runtime-api.ts';
import { fromRace } from '../../harness/invoke/outcome.ts';
import { invocation, RawRuntime } from './helpers.ts';
import { RawClient } from './raw-client.ts';

let api: RuntimeApi;
const workers: RawRuntime[] = [];

async function managed(maxConcurrency: number): Promise<RuntimeApi> {
  api = await RuntimeApi.start({ maxConcurrency });
  return api;
}

function worker(): RawRuntime {
  const w = new RawRuntime(api.address);
  workers.push(w);
  return w;
}

/** One worker on /next and one invocation delivered to it. */
async function delivered(router: RuntimeApi['managed']) {
  const w = worker();
  const next = w.next();
  const inv = router?.invoke(invocation());
  const id = (await next).headers['lambda-runtime-aws-request-id'] as string;
  return { w, inv, id };
}

async function until(condition: () => boolean): Promise<void> {
  const end = Date.now() + 2000;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met within 2 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

afterEach(async () => {
  // Parked /next calls never end by themselves: the mock cuts them, then the clients go.
  await api.close();
  await Promise.all(workers.splice(0).map((w) => w.client.destroy()));
});

describe('managed-instances mode', () => {
  it('delivers concurrent invocations to concurrent /next callers and matches results by id', async () => {
    const router = (await managed(3)).managed;
    expect(router).toBeDefined();
    const [a, b, c] = [worker(), worker(), worker()];
    const nexts = [a.next(), b.next(), c.next()];
    await until(() => router?.idleCount === 3);
    expect((await api.initOutcome()).kind).toBe('ready');
    const invs = [invocation(), invocation(), invocation()];
    const results = invs.map((inv) => router?.invoke(inv).result);
    const answers = await Promise.all(nexts);
    const ids = answers.map((x) => x.headers['lambda-runtime-aws-request-id']);
    expect(new Set(ids)).toEqual(new Set(invs.map((i) => i.requestId)));
    expect(router?.stats.peakRunning).toBe(3);
    // Answered out of order, each to its own id.
    const posts = await Promise.all([c.respond(ids[2] as string, '"c"'), a.respond(ids[0] as string, '"a"'), b.respond(ids[1] as string, '"b"')]);
    expect(posts.map((p) => p.status)).toEqual([202, 202, 202]);
    const settled = await Promise.all(results);
    const byId = new Map(settled.map((r, i) => [invs[i]?.requestId, r?.kind === 'response' ? r.payload.toString() : r?.kind]));
    expect(byId.get(ids[0] as string)).toBe('"a"');
    expect(byId.get(ids[2] as string)).toBe('"c"');
    // A second post for an answered id is an unknown id.
    expect((await a.respond(ids[0] as string)).status).toBe(400);
  });

  it('keeps a streamed response whole, and a failure in its error trailers makes the verdict a classic streamed failure would', async () => {
    const router = (await managed(2)).managed;
    const { inv, id } = await delivered(router);
    const raw = await RawClient.open(Number(api.address.split(':')[1]));
    const body = Buffer.from(JSON.stringify({ errorType: 'Runtime.StreamError', errorMessage: 'boom' })).toString('base64');
    await raw.write(
      `POST /2018-06-01/runtime/invocation/${id}/response HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nLambda-Runtime-Function-Response-Mode: streaming\r\n` +
        `Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n\r\n4\r\npart\r\n0\r\nLambda-Runtime-Function-Error-Type: Runtime.StreamError\r\nLambda-Runtime-Function-Error-Body: ${body}\r\n\r\n`,
    );
    expect((await raw.answer()).status).toBe(202);
    raw.close();
    const r = await inv?.result;
    if (r?.kind !== 'response') throw new Error(`expected a response, got ${r?.kind}`);
    expect(r.payload.toString()).toBe('part');
    expect(r.stream?.error?.errorType).toBe('Runtime.StreamError');
    // the verdict is made as for a classic streamed failure
    const verdict = fromRace({ tag: 'result', r }, id, 1000);
    expect(verdict).toMatchObject({ outcome: 'function-error', errorType: 'Runtime.StreamError', platformError: false });
    expect(JSON.parse(verdict.payload.toString())).toEqual({ errorType: 'Runtime.StreamError', errorMessage: 'boom' });
  });

  it('answers a post after the invocation timed out with 410 InvokeTimeout, once', async () => {
    const router = (await managed(2)).managed;
    const { w, inv, id } = await delivered(router);
    if (inv) router?.timeOut(inv);
    const late = await w.respond(id);
    expect(late.status).toBe(410);
    expect(late.json).toEqual({ errorMessage: 'Invoke timeout', errorType: 'InvokeTimeout' });
    expect(router?.stats.lateRefused).toBe(1);
    expect((await w.respond(id)).status).toBe(400);
  });

  it('refuses a /next beyond maxConcurrency idle workers with a 500', async () => {
    const router = (await managed(2)).managed;
    // Parked until the mock closes (then cut).
    const parked = [worker().next(), worker().next()].map((p) => p.catch(() => undefined));
    await until(() => router?.idleCount === 2);
    const third = await worker().next();
    expect(third.status).toBe(500);
    expect(third.json).toEqual({ errorMessage: 'Internal Server Error', errorType: 'InternalServerError' });
    expect(router?.stats.idleRefused).toBe(1);
    expect(parked).toHaveLength(2);
  });

  it('refuses (as a bootspec bug) an invocation beyond maxConcurrency in flight', async () => {
    const router = (await managed(1)).managed;
    router?.invoke(invocation());
    expect(() => router?.invoke(invocation())).toThrow(/already in flight/);
  });

  it('caps /error bodies at 1 MiB with 413, leaving the invocation open', async () => {
    const router = (await managed(1)).managed;
    const { w, inv, id } = await delivered(router);
    const big = await w.error(id, Buffer.alloc(1024 * 1024 + 1, 0x61));
    expect(big.status).toBe(413);
    expect((await w.error(id)).status).toBe(202);
    expect((await inv?.result)?.kind).toBe('error');
  });

  it('lets extensions register for SHUTDOWN only', async () => {
    await managed(2);
    const ext = worker();
    const refused = await ext.call('POST', '/2020-01-01/extension/register', '{"events":["INVOKE","SHUTDOWN"]}', { 'Lambda-Extension-Name': 'ext' });
    expect(refused.status).toBe(403);
    expect((refused.json as { errorType: string }).errorType).toBe('Extension.InvalidEventType');
  });

  it('leaves the classic mode without a managed router', async () => {
    api = await RuntimeApi.start();
    expect(api.managed).toBeUndefined();
    expect(api.extensions.shutdownOnly).toBe(false);
  });
});
