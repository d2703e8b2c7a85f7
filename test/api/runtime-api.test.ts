import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_PAYLOAD_SIZE } from '../../harness/api/errors.ts';
import { RuntimeApi } from '../../harness/api/runtime-api.ts';
import { invocation, RawRuntime } from './helpers.ts';
import { RawClient } from './raw-client.ts';

let api: RuntimeApi;
let rt: RawRuntime;
const extra: RawRuntime[] = [];
/** A second connection, for calls made while another one is parked on /next. */
const other = () => {
  const c = new RawRuntime(api.address);
  extra.push(c);
  return c;
};

beforeEach(async () => {
  api = await RuntimeApi.start();
  rt = new RawRuntime(api.address);
});
afterEach(async () => {
  await rt.close();
  await Promise.all(extra.splice(0).map((c) => c.close()));
  await api.close();
});

/** Init, then one event delivered; returns its /next answer. */
async function delivered(over = {}) {
  const inv = invocation(over);
  const result = api.invoke(inv);
  const next = await rt.next();
  return { inv, next, result };
}

describe('GET /runtime/invocation/next', () => {
  it('is a long poll: it answers only when an event arrives, and ends init', async () => {
    const pending = rt.next();
    const outcome = await api.initOutcome();
    expect(outcome.kind).toBe('ready');
    await new Promise((r) => setTimeout(r, 100));
    expect(api.parked).toHaveLength(1);
    const inv = invocation();
    void api.invoke(inv);
    const next = await pending;
    expect(next.status).toBe(200);
    expect(next.body).toBe('{"hello":"world"}');
    expect(next.headers['lambda-runtime-aws-request-id']).toBe(inv.requestId);
    expect(next.headers['lambda-runtime-deadline-ms']).toBe(String(inv.deadlineMs));
    expect(next.headers['lambda-runtime-invoked-function-arn']).toBe(inv.functionArn);
    expect(next.headers['lambda-runtime-trace-id']).toBe(inv.traceId);
    expect(next.headers['content-type']).toBe('application/json');
  });

  it('sends optional headers only when they have a value', async () => {
    const { next } = await delivered({
      traceId: null,
      clientContext: '{"custom":{"a":1}}',
      cognitoIdentity: '{"cognitoIdentityId":"id","cognitoIdentityPoolId":"pool"}',
      tenantId: 'tenant-1',
      invocationId: 'nonce-1',
    });
    expect(next.headers['lambda-runtime-trace-id']).toBeUndefined();
    expect(next.headers['lambda-runtime-client-context']).toBe('{"custom":{"a":1}}');
    expect(next.headers['lambda-runtime-cognito-identity']).toContain('cognitoIdentityPoolId');
    expect(next.headers['lambda-runtime-aws-tenant-id']).toBe('tenant-1');
    expect(next.headers['lambda-runtime-invocation-id']).toBe('nonce-1');
  });

  it('re-delivers the same event when called again before a result is posted (RAPID)', async () => {
    const { inv, next } = await delivered();
    const again = await rt.next();
    expect(again.headers['lambda-runtime-aws-request-id']).toBe(inv.requestId);
    expect(next.headers['lambda-runtime-aws-request-id']).toBe(inv.requestId);
    expect(api.observations.nextBeforeResult).toBe(1);
  });

  it('answers 403 after /init/error', async () => {
    expect((await rt.initError()).status).toBe(202);
    const next = await rt.next();
    expect(next.status).toBe(403);
    expect(next.json).toEqual({
      errorMessage: 'State transition from InitError to Ready failed for runtime. Error: State transition is not allowed',
      errorType: 'InvalidStateTransition',
    });
  });

  it('answers 500 on demand without changing state', async () => {
    api.inject({ route: 'next', status: 500 });
    const next = await rt.next();
    expect(next.status).toBe(500);
    expect(next.json).toEqual({ errorMessage: 'Internal Server Error', errorType: 'InternalServerError' });
    expect(api.state).toBe('Started');
  });

  it('records a /next the client abandoned', async () => {
    const ac = new AbortController();
    const p = rt.client.request({ method: 'GET', path: '/2018-06-01/runtime/invocation/next', signal: ac.signal }).catch(() => undefined);
    await api.initOutcome();
    ac.abort();
    await p;
    await new Promise((r) => setTimeout(r, 50));
    expect(api.observations.abortedNext).toBe(1);
    expect(api.parked).toHaveLength(0);
    expect(api.log.records.at(-1)?.clientAborted).toBe(true);
  });
});

describe('POST /runtime/invocation/{id}/response', () => {
  it('accepts the in-flight id with 202 {"status":"OK"}', async () => {
    const { inv, result } = await delivered();
    const res = await rt.respond(inv.requestId, '{"ok":true}', { 'content-type': 'application/json' });
    expect(res.status).toBe(202);
    expect(res.body).toBe('{"status":"OK"}\n');
    const r = await result;
    expect(r.kind).toBe('response');
    if (r.kind === 'response') expect(r.payload.toString()).toBe('{"ok":true}');
    expect(api.state).toBe('RuntimeResponseSentState');
  });

  it('answers 400 InvalidRequestID for a made-up id, a stale id, and before any invoke', async () => {
    expect((await rt.respond('nope')).json).toEqual({ errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' });
    const { inv } = await delivered();
    const wrong = await rt.respond(`${inv.requestId}x`);
    expect(wrong.status).toBe(400);
    expect((await rt.respond(inv.requestId)).status).toBe(202);
    // next invocation: the old id is stale
    const inv2 = invocation();
    void api.invoke(inv2);
    await rt.next();
    const stale = await rt.respond(inv.requestId);
    expect(stale.status).toBe(400);
    expect(stale.json).toMatchObject({ errorType: 'InvalidRequestID' });
  });

  // RAPID releases an invocation when the runtime asks for the next one: its id is unknown from then on.
  it('answers 400 InvalidRequestID, not 403, to the id of an invocation the runtime ended with /next', async () => {
    const { inv } = await delivered();
    expect((await rt.respond(inv.requestId)).status).toBe(202);
    const parked = rt.next();
    await vi.waitFor(() => expect(api.parked.length).toBe(1));
    const stale = await other().respond(inv.requestId);
    expect(stale.status).toBe(400);
    expect(stale.json).toMatchObject({ errorType: 'InvalidRequestID' });
    void api.invoke(invocation());
    expect((await parked).status).toBe(200);
  });

  it('answers 400 for an empty id', async () => {
    await delivered();
    const res = await rt.call('POST', '/2018-06-01/runtime/invocation//response', '{}');
    expect(res.status).toBe(400);
  });

  it('answers 403 to a second post with the same id, and checks the id first', async () => {
    const { inv } = await delivered();
    expect((await rt.respond(inv.requestId)).status).toBe(202);
    const dup = await rt.respond(inv.requestId);
    expect(dup.status).toBe(403);
    expect(dup.json).toEqual({
      errorMessage:
        'State transition from RuntimeResponseSentState to InvocationResponse failed for runtime. Error: State transition is not allowed',
      errorType: 'InvalidStateTransition',
    });
    const errAfter = await rt.error(inv.requestId);
    expect(errAfter.status).toBe(403);
    expect(errAfter.json).toMatchObject({ errorType: 'InvalidStateTransition' });
    expect((await rt.respond('other-id')).status).toBe(400);
  });

  it(`accepts exactly ${MAX_PAYLOAD_SIZE} bytes`, async () => {
    const { inv, result } = await delivered();
    const res = await rt.respond(inv.requestId, Buffer.alloc(MAX_PAYLOAD_SIZE, 0x78));
    expect(res.status).toBe(202);
    const r = await result;
    expect(r.kind === 'response' && r.payload.length).toBe(MAX_PAYLOAD_SIZE);
  });

  it(`answers 413 to ${MAX_PAYLOAD_SIZE + 1} bytes and completes the invoke as too large`, async () => {
    const { inv, result } = await delivered();
    const res = await rt.respond(inv.requestId, Buffer.alloc(MAX_PAYLOAD_SIZE + 1, 0x78));
    expect(res.status).toBe(413);
    expect(res.json).toEqual({ errorMessage: 'Exceeded maximum allowed payload size (6291556 bytes).', errorType: 'RequestEntityTooLarge' });
    expect(await result).toMatchObject({ kind: 'too-large', size: MAX_PAYLOAD_SIZE + 1 });
    // the runtime goes on: /next is allowed
    const inv2 = invocation();
    void api.invoke(inv2);
    expect((await rt.next()).headers['lambda-runtime-aws-request-id']).toBe(inv2.requestId);
  });

  it('holds a huge body within bounded memory and still answers 413', async () => {
    const { inv } = await delivered();
    const before = process.memoryUsage().arrayBuffers;
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    async function* big() {
      for (let i = 0; i < 200; i++) yield chunk;
    }
    const res = await rt.client.request({
      method: 'POST',
      path: `/2018-06-01/runtime/invocation/${inv.requestId}/response`,
      body: Readable.from(big()),
    });
    expect(res.statusCode).toBe(413);
    await res.body.text();
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses a response mode other than "streaming" with 400 and fails the invoke', async () => {
    const { inv, result } = await delivered();
    const res = await rt.respond(inv.requestId, '{}', { 'Lambda-Runtime-Function-Response-Mode': 'Streaming' });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ errorMessage: 'Invalid function response mode', errorType: 'InvalidFunctionResponseMode' });
    expect(await result).toMatchObject({ kind: 'error', errorTypeHeader: 'Runtime.InvalidResponseModeHeader' });
  });

  it('refuses a wrong Lambda-Runtime-Invocation-Id echo, accepts the right one or none', async () => {
    const { inv } = await delivered({ invocationId: 'nonce-a' });
    expect((await rt.respond(inv.requestId, '{}', { 'Lambda-Runtime-Invocation-Id': 'nonce-b' })).status).toBe(400);
    expect((await rt.respond(inv.requestId, '{}', { 'Lambda-Runtime-Invocation-Id': 'nonce-a' })).status).toBe(202);
  });

  // RAPID's router (chi) would compare encodeURIComponent's %2B, %3A, %40 raw and answer 400; bootspec
  // decodes any escaping on purpose (harness/fidelity/deliberate.json, router.id-fully-decoded).
  it('reads an id with unusual characters however it is escaped', async () => {
    const id = 'a+b:c=d@e f';
    const first = await delivered({ requestId: id });
    expect((await rt.call('POST', `/2018-06-01/runtime/invocation/${encodeURIComponent(id)}/response`, '{}', {})).status).toBe(202);
    expect((await first.result).kind).toBe('response');
  });
});

describe('POST /runtime/invocation/{id}/error', () => {
  it('accepts an error with 202 and keeps type header, X-Ray cause and body', async () => {
    const { inv, result } = await delivered();
    const res = await rt.error(inv.requestId, '{"errorType":"MyError","errorMessage":"bad"}', {
      'Lambda-Runtime-Function-Error-Type': 'Runtime.UserException',
      'Lambda-Runtime-Function-XRay-Error-Cause': '{"exceptions":[]}',
    });
    expect(res.status).toBe(202);
    expect(res.body).toBe('{"status":"OK"}\n');
    const r = await result;
    expect(r).toMatchObject({ kind: 'error', errorTypeHeader: 'Runtime.UserException', xrayCause: '{"exceptions":[]}' });
    if (r.kind === 'error') expect(JSON.parse(r.payload.toString())).toEqual({ errorType: 'MyError', errorMessage: 'bad' });
  });

  it('strips errorCause from the error.cause+json content type', async () => {
    const { inv, result } = await delivered();
    await rt.error(inv.requestId, '{"errorType":"E","errorMessage":"m","errorCause":{"x":1}}', {
      'content-type': 'application/vnd.aws.lambda.error.cause+json',
    });
    const r = await result;
    if (r.kind !== 'error') throw new Error('expected error');
    expect(JSON.parse(r.payload.toString())).toEqual({ errorType: 'E', errorMessage: 'm' });
  });

  it('replaces an unparsable error.cause+json body with "Invalid error body"', async () => {
    const { inv, result } = await delivered();
    const res = await rt.error(inv.requestId, '{"errorType":', { 'content-type': 'application/vnd.aws.lambda.error.cause+json' });
    expect(res.status).toBe(202);
    const r = await result;
    if (r.kind !== 'error') throw new Error(`expected an error result, got ${r.kind}`);
    expect(r.payload.toString()).toBe('"Invalid error body"');
  });

  it('answers 400 for a wrong id and 403 after a response', async () => {
    const { inv } = await delivered();
    expect((await rt.error('x')).status).toBe(400);
    expect((await rt.error(inv.requestId)).status).toBe(202);
    const second = await rt.respond(inv.requestId);
    expect(second.status).toBe(403);
    expect(second.json).toMatchObject({
      errorMessage: expect.stringContaining('from RuntimeResponseSentState to InvocationResponse'),
    });
  });
});

describe('POST /runtime/init/error', () => {
  it('accepts one init error while Started, and reports it', async () => {
    const res = await rt.initError('{"errorType":"Runtime.ImportModuleError","errorMessage":"x"}', {
      'Lambda-Runtime-Function-Error-Type': 'Runtime.ImportModuleError',
    });
    expect(res.status).toBe(202);
    const outcome = await api.initOutcome();
    expect(outcome).toMatchObject({ kind: 'init-error', report: { errorTypeHeader: 'Runtime.ImportModuleError' } });
    const again = await rt.initError();
    expect(again.status).toBe(403);
    expect(again.json).toMatchObject({ errorMessage: expect.stringContaining('from InitError to InitError') });
  });

  it('answers 403 after the first /next', async () => {
    const parked = rt.next();
    await api.initOutcome();
    const res = await other().initError();
    expect(res.status).toBe(403);
    expect(res.json).toEqual({
      errorMessage: 'State transition from Ready to InitError failed for runtime. Error: State transition is not allowed',
      errorType: 'InvalidStateTransition',
    });
    void api.invoke(invocation());
    await parked;
    expect((await rt.initError()).json).toMatchObject({ errorMessage: expect.stringContaining('from Running to InitError') });
  });
});

describe('routing', () => {
  it('answers 404 to unknown and unprefixed paths, 405 to wrong methods', async () => {
    expect((await rt.call('GET', '/runtime/invocation/next')).status).toBe(404);
    expect((await rt.call('GET', '/2018-06-01/runtime/invocation/nxt')).status).toBe(404);
    expect((await rt.call('GET', '/2018-06-02/runtime/invocation/next')).status).toBe(404);
    const wrong = await rt.call('POST', '/2018-06-01/runtime/invocation/next', '{}');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('GET');
    expect((await rt.call('GET', '/2018-06-01/runtime/init/error')).status).toBe(405);
    expect((await rt.call('PUT', '/2018-06-01/runtime/invocation/abc/response', '{}')).status).toBe(405);
    // the id is exactly one path segment, and the last segment exactly response or error
    expect((await rt.call('POST', '/2018-06-01/runtime/invocation/a/b/response', '{}')).status).toBe(404);
    expect((await rt.call('POST', '/2018-06-01/runtime/invocation/abc/responses', '{}')).status).toBe(404);
    expect((await rt.call('POST', '/2018-06-01/runtime/invocation/abc', '{}')).status).toBe(404);
    expect(api.observations.unknownRoutes).toBe(9);
  });
});

describe('recording', () => {
  it('records every exchange with status, headers, body excerpt and state', async () => {
    const { inv } = await delivered();
    await rt.respond(inv.requestId, '{"a":1}');
    const recs = api.log.records;
    expect(recs.map((r) => [r.route, r.status])).toEqual([
      ['next', 200],
      ['response', 202],
    ]);
    expect(recs[1]).toMatchObject({ requestBodyBytes: 7, requestBodyExcerpt: '{"a":1}', stateBefore: 'Running', stateAfter: 'RuntimeResponseSentState', requestId: inv.requestId });
  });

  it('can be switched off', async () => {
    await api.close();
    api = await RuntimeApi.start({ record: false });
    rt = new RawRuntime(api.address);
    const { inv } = await delivered();
    await rt.respond(inv.requestId);
    expect(api.log.records).toHaveLength(0);
  });
});

describe('header values', () => {
  it('sends non-ASCII values as raw UTF-8 bytes instead of failing', async () => {
    const ctx = '{"custom":{"emoji":"😀","cjk":"日本"}}';
    const id = 'id-é-😀';
    const inv = invocation({ clientContext: ctx, requestId: id });
    void api.invoke(inv);
    const next = await rt.next();
    const raw = next.headers['lambda-runtime-client-context'] as string;
    expect(Buffer.from(raw, 'latin1').toString('utf8')).toBe(ctx);
    // a runtime that echoes the id's bytes (percent-encoded UTF-8) is accepted
    expect((await rt.respond(id)).status).toBe(202);
  });
});

/** Header names as bytes on the wire: a client such as undici lower-cases them before a test sees them. */
describe('header names in any case', () => {
  const port = () => Number(api.address.slice(api.address.lastIndexOf(':') + 1));
  const namesOf = (head: string) => head.split('\r\n').slice(1).map((line) => line.slice(0, line.indexOf(':')));

  it.each([
    ['canonical', ['Lambda-Runtime-Aws-Request-Id', 'Lambda-Runtime-Deadline-Ms', 'Lambda-Runtime-Invoked-Function-Arn', 'Lambda-Runtime-Trace-Id', 'Content-Type']],
    ['lower', ['lambda-runtime-aws-request-id', 'lambda-runtime-deadline-ms', 'lambda-runtime-invoked-function-arn', 'lambda-runtime-trace-id', 'content-type']],
    ['upper', ['LAMBDA-RUNTIME-AWS-REQUEST-ID', 'LAMBDA-RUNTIME-DEADLINE-MS', 'LAMBDA-RUNTIME-INVOKED-FUNCTION-ARN', 'LAMBDA-RUNTIME-TRACE-ID', 'CONTENT-TYPE']],
  ] as const)('spells the /next header names %s when asked', async (headerCase, spelled) => {
    const c = await RawClient.open(port());
    try {
      await c.write('GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await api.initOutcome();
      const inv = invocation({ headerCase, invocationId: 'nonce-1' });
      void api.invoke(inv);
      const a = await c.answer();
      expect(a.status).toBe(200);
      const names = namesOf(a.head);
      for (const name of spelled) expect(names, a.head).toContain(name);
      const invocationId = { canonical: 'Lambda-Runtime-Invocation-Id', lower: 'lambda-runtime-invocation-id', upper: 'LAMBDA-RUNTIME-INVOCATION-ID' }[headerCase];
      expect(names).toContain(invocationId);
      // Each Lambda header once, so none went out in a second spelling as well.
      expect(names.filter((n) => n.toLowerCase().startsWith('lambda-runtime-'))).toHaveLength(5);
      expect(a.headers['lambda-runtime-aws-request-id']).toBe(inv.requestId);
    } finally {
      c.close();
    }
  });

  it('reads the runtime\'s header names in any case', async () => {
    const c = await RawClient.open(port());
    try {
      await c.write('GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await api.initOutcome();
      const inv = invocation({ invocationId: 'nonce-a' });
      const result = api.invoke(inv);
      expect((await c.answer()).status).toBe(200);
      const post = (headers: string, body: string) =>
        c.write(`POST /2018-06-01/runtime/invocation/${inv.requestId}/error HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}Content-Length: ${body.length}\r\n\r\n${body}`);
      // A wrong echo in odd case is refused: the mock read the header, it did not miss it.
      await post('lAmBdA-rUnTiMe-InVoCaTiOn-Id: nonce-b\r\n', '{}');
      expect(await c.json()).toMatchObject({ errorType: 'InvalidRequestID' });
      await post('LAMBDA-RUNTIME-INVOCATION-ID: nonce-a\r\nLAMBDA-RUNTIME-FUNCTION-ERROR-TYPE: Runtime.Upper\r\ncontent-TYPE: application/json\r\n', '{"errorType":"E","errorMessage":"m"}');
      expect((await c.answer()).status).toBe(202);
      expect(await result).toMatchObject({ kind: 'error', errorTypeHeader: 'Runtime.Upper', contentType: 'application/json' });
    } finally {
      c.close();
    }
  });
});
