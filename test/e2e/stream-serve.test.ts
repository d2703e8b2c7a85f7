/**
 * InvokeWithResponseStream against `bootspec serve`, with the real AWS SDK for JavaScript v3
 * (@aws-sdk/client-lambda): chunks arrive one by one as the runtime writes them, and a failure
 * after the first byte arrives in InvokeComplete. Also the emulator-compatible endpoint, which
 * relays a streaming runtime chunked, with the error in its trailers.
 */
import { InvokeWithResponseStreamCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from './cli.ts';

let s: Awaited<ReturnType<typeof serve>>;
let lambda: LambdaClient;

beforeAll(async () => {
  s = await serve(['runtimes-under-test/node-plain', '--handler', 'probe.streaming', '--timeout', '3']);
  lambda = new LambdaClient({
    endpoint: new URL(s.url).origin,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDSTREAM', secretAccessKey: 'not-checked' },
    maxAttempts: 1,
  });
}, 90_000);
afterAll(() => {
  lambda?.destroy();
  s?.child.kill('SIGKILL');
});

async function streamed(event: unknown) {
  const out = await lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: 'function', Payload: Buffer.from(JSON.stringify(event)), LogType: 'Tail' }));
  const chunks: { at: number; text: string }[] = [];
  let complete: { ErrorCode?: string | undefined; ErrorDetails?: string | undefined; LogResult?: string | undefined } | undefined;
  for await (const ev of out.EventStream ?? []) {
    if (ev.PayloadChunk?.Payload) chunks.push({ at: Date.now(), text: Buffer.from(ev.PayloadChunk.Payload).toString('utf8') });
    if (ev.InvokeComplete) complete = ev.InvokeComplete;
  }
  return { status: out.$metadata.httpStatusCode, chunks, complete };
}

describe('InvokeWithResponseStream through the AWS SDK', () => {
  it('delivers each chunk as the runtime writes it', async () => {
    const r = await streamed({ probe: 'stream', chunks: 4, delayMs: 300 });
    expect(r.status).toBe(200);
    expect(r.chunks.map((c) => c.text).join('')).toBe('chunk 0\nchunk 1\nchunk 2\nchunk 3\n');
    expect(r.chunks).toHaveLength(4);
    // 300 ms between writes: a caller that got them all at the end would see them within a few ms.
    const first = r.chunks[0]?.at ?? 0;
    const last = r.chunks[3]?.at ?? 0;
    expect(last - first).toBeGreaterThanOrEqual(600);
    expect(r.complete?.ErrorCode).toBeUndefined();
    expect(Buffer.from(r.complete?.LogResult ?? '', 'base64').toString()).toContain('REPORT RequestId');
  });

  it('reports a failure after the first byte in InvokeComplete', async () => {
    const r = await streamed({ probe: 'stream', chunks: 3, failAfter: 2 });
    expect(r.chunks.map((c) => c.text).join('')).toBe('chunk 0\nchunk 1\n');
    expect(r.complete?.ErrorCode).toBe('ProbeStreamError');
    expect(JSON.parse(r.complete?.ErrorDetails ?? '{}')).toMatchObject({ errorType: 'ProbeStreamError', errorMessage: 'failed after 2 chunks' });
  });

  it('reports a failure before the first byte (posted to /error) in InvokeComplete, with no chunk', async () => {
    const r = await streamed({ probe: 'stream', chunks: 3, failAfter: 0 });
    expect(r.chunks).toEqual([]);
    expect(r.complete?.ErrorCode).toBe('ProbeStreamError');
  });
});

describe('the emulator-compatible endpoint', () => {
  it('relays a streaming runtime chunked, with the error type in the trailers', async () => {
    const res = await request(s.url, { method: 'POST', body: JSON.stringify({ probe: 'stream', chunks: 2, failAfter: 2 }) });
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(await res.body.text()).toBe('chunk 0\nchunk 1\n');
    expect(res.trailers['lambda-runtime-function-error-type']).toBe('ProbeStreamError');
  });

  it('ends a stream cut by the timeout with Sandbox.Timedout in the trailers', async () => {
    const res = await request(s.url, { method: 'POST', body: JSON.stringify({ probe: 'stream', chunks: 2, delayMs: 5000 }) });
    expect(await res.body.text()).toBe('chunk 0\n');
    expect(res.trailers['lambda-runtime-function-error-type']).toBe('Sandbox.Timedout');
  });
});
