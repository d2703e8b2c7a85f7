/**
 * Streamed results on the mock's side: read as they arrive (each arrival timed), to the size limit,
 * under the bandwidth rule, with error trailers and the HTTP-integration prelude read.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_PAYLOAD_SIZE } from '../../../harness/api/errors.ts';
import { RuntimeApi } from '../../../harness/api/runtime-api.ts';
import type { ResponseStreamOptions, RuntimeResult, StreamedBody } from '../../../harness/api/types.ts';
import { invocation, RawRuntime } from '../helpers.ts';
import { RawClient } from '../raw-client.ts';

let api: RuntimeApi;
let rt: RawRuntime;
let raw: RawClient;

beforeEach(async () => {
  api = await RuntimeApi.start();
  rt = new RawRuntime(api.address);
  raw = await RawClient.open(Number(api.address.split(':')[1]));
});
afterEach(async () => {
  raw.close();
  await rt.close();
  await api.close();
});

const chunk = (data: string | Buffer) => {
  const b = Buffer.isBuffer(data) ? data : Buffer.from(data);
  return Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n')]);
};
const TRAILER_DECL = 'Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n';

function head(id: string, extra = 'Lambda-Runtime-Function-Response-Mode: streaming\r\n'): string {
  return `POST /2018-06-01/runtime/invocation/${id}/response HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n${extra}\r\n`;
}

async function deliver(stream?: Partial<ResponseStreamOptions>) {
  const inv = invocation(stream === undefined ? {} : { stream: { callerStreams: true, maxBytes: 200 << 20, bandwidth: null, keepBytes: MAX_PAYLOAD_SIZE, ...stream } });
  const result = api.invoke(inv);
  await rt.next();
  return { id: inv.requestId, result };
}

function streamOf(r: RuntimeResult): StreamedBody {
  if (r.kind !== 'response' || r.stream === undefined) throw new Error(`not a streamed response: ${r.kind}`);
  return r.stream;
}

describe('a streamed /response', () => {
  it('passes each piece on as it arrives and times each arrival', async () => {
    const pieces: string[] = [];
    const { id, result } = await deliver({ onChunk: (p) => pieces.push(p.toString()) });
    await raw.write(head(id) + chunk('one').toString());
    await expect.poll(() => pieces).toEqual(['one']);
    await new Promise((r) => setTimeout(r, 30));
    await raw.write(Buffer.concat([chunk('two'), Buffer.from('0\r\n\r\n')]));
    const answer = await raw.answer();
    expect(answer.status).toBe(202);
    const r = await result;
    const s = streamOf(r);
    expect(r.kind === 'response' && r.payload.toString()).toBe('onetwo');
    expect(s.mode).toBe('streaming');
    expect(s.arrivals).toHaveLength(2);
    expect((s.arrivals[1]?.at ?? 0) - (s.arrivals[0]?.at ?? 0)).toBeGreaterThanOrEqual(25);
    expect(s.end).toBe('complete');
    expect(s.error).toBeUndefined();
  });

  it('reads the error trailers and decodes their base64 JSON body', async () => {
    const { id, result } = await deliver();
    const body = Buffer.from(JSON.stringify({ errorType: 'Runtime.StreamError', errorMessage: 'boom' })).toString('base64');
    await raw.write(
      `${head(id, `Lambda-Runtime-Function-Response-Mode: streaming\r\n${TRAILER_DECL}`)}${chunk('part').toString()}0\r\nLambda-Runtime-Function-Error-Type: Runtime.StreamError\r\nLambda-Runtime-Function-Error-Body: ${body}\r\n\r\n`,
    );
    expect((await raw.answer()).status).toBe(202);
    const s = streamOf(await result);
    expect(s.declaredTrailers).toEqual(['lambda-runtime-function-error-type', 'lambda-runtime-function-error-body']);
    expect(s.error).toEqual({
      errorType: 'Runtime.StreamError',
      rawBody: body,
      body: { kind: 'json', value: { errorType: 'Runtime.StreamError', errorMessage: 'boom' } },
    });
  });

  it('says when the error body is not base64', async () => {
    const { id, result } = await deliver();
    await raw.write(`${head(id)}${chunk('x').toString()}0\r\nLambda-Runtime-Function-Error-Type: Runtime.X\r\nLambda-Runtime-Function-Error-Body: {"errorType":"Runtime.X"}\r\n\r\n`);
    await raw.answer();
    expect(streamOf(await result).error?.body).toEqual({ kind: 'not-base64' });
  });

  it('streams a body without the mode header when the caller streams (aws-lambda-go), trailers included', async () => {
    const { id, result } = await deliver({});
    await raw.write(`${head(id, TRAILER_DECL)}${chunk('go').toString()}0\r\nLambda-Runtime-Function-Error-Type: Runtime.X\r\n\r\n`);
    expect((await raw.answer()).status).toBe(202);
    const s = streamOf(await result);
    expect(s.mode).toBeUndefined();
    expect(s.error?.errorType).toBe('Runtime.X');
  });

  it('reads a buffered caller\'s result without the mode header as before: no stream record', async () => {
    const { id, result } = await deliver(undefined);
    await rt.respond(id, 'plain');
    const r = await result;
    expect(r.kind === 'response' && r.stream).toBeUndefined();
  });

  it('refuses a mode other than "streaming" with 400 and Runtime.InvalidResponseModeHeader', async () => {
    const { id, result } = await deliver();
    const answer = await rt.respond(id, 'x', { 'Lambda-Runtime-Function-Response-Mode': 'Streaming' });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ errorType: 'InvalidFunctionResponseMode' });
    const r = await result;
    expect(r.kind === 'error' && r.errorTypeHeader).toBe('Runtime.InvalidResponseModeHeader');
  });

  it('cuts a stream past its limit: 413, the connection closed, the result oversized', async () => {
    const { id, result } = await deliver({ maxBytes: 10 });
    await raw.write(head(id) + chunk('0123456789abcdef').toString());
    const answer = await raw.answer();
    expect(answer.status).toBe(413);
    await raw.whenClosed();
    const s = streamOf(await result);
    expect(s.end).toBe('oversized');
    expect(s.size).toBe(10);
    // The runtime can go back to /next on a new connection.
    const next = rt.next();
    void api.invoke(invocation());
    expect((await next).status).toBe(200);
  });

  it('records a stream cut short as truncated', async () => {
    const { id, result } = await deliver();
    await raw.write(head(id) + chunk('half').toString());
    raw.close();
    const s = streamOf(await result);
    expect(s.end).toBe('truncated');
    expect(s.size).toBe(4);
  });

  it('recognises the HTTP-integration prelude', async () => {
    const { id, result } = await deliver();
    const prelude = JSON.stringify({ statusCode: 201, headers: { 'x-a': 'b' }, cookies: [] });
    const h = head(id).replace('Content-Type: text/plain', 'Content-Type: application/vnd.awslambda.http-integration-response');
    await raw.write(Buffer.concat([Buffer.from(h), chunk(prelude), chunk(Buffer.alloc(8)), chunk('body'), Buffer.from('0\r\n\r\n')]));
    await raw.answer();
    const s = streamOf(await result);
    expect(s.prelude).toEqual({ kind: 'ok', prelude: { statusCode: 201, headers: { 'x-a': 'b' }, cookies: [] }, preludeBytes: prelude.length });
  });

  it('says when the prelude has no delimiter', async () => {
    const { id, result } = await deliver();
    const h = head(id).replace('Content-Type: text/plain', 'Content-Type: application/vnd.awslambda.http-integration-response');
    await raw.write(`${h}${chunk('{"statusCode":200}body').toString()}0\r\n\r\n`);
    await raw.answer();
    expect(streamOf(await result).prelude).toEqual({ kind: 'no-delimiter', scannedBytes: 22 });
  });

  it('holds reading back past the burst, at the configured rate', async () => {
    const { id, result } = await deliver({ bandwidth: { burstBytes: 1000, bytesPerSecond: 10_000 } });
    const big = Buffer.alloc(3000, 0x61);
    const started = Date.now();
    await raw.write(Buffer.concat([Buffer.from(head(id)), chunk(big), chunk(big), Buffer.from('0\r\n\r\n')]));
    await raw.answer();
    const s = streamOf(await result);
    expect(s.size).toBe(6000);
    // 5000 bytes over the burst at 10 kB/s: about half a second.
    expect(s.shapedMs).toBeGreaterThan(100);
    expect(s.shapedMs).toBeLessThan(2000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(s.shapedMs - 50);
  });
});
