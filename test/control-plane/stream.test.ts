/**
 * InvokeWithResponseStream of functions created through the control plane (CreateFunction, zip and
 * layers), with the real AWS SDK for JavaScript v3: chunks arrive one by one as the runtime writes
 * them, and a failure after the first byte arrives in InvokeComplete.
 * https://docs.aws.amazon.com/lambda/latest/api/API_InvokeWithResponseStream.html
 */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { CreateFunctionCommand, InvokeWithResponseStreamCommand, LambdaClient, PublishLayerVersionCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../e2e/cli.ts';
import { makeZip } from '../environment/helpers.ts';
import { ALICE, probeFunctionZip, runtimeLayerZip, type ServedControlPlane, serveControlPlane } from './helpers.ts';

let served: ServedControlPlane;
let lambda: LambdaClient;
const ROLE = `arn:aws:iam::${ALICE.account}:role/lambda-role`;
const NODE_PLAIN = path.join(ROOT, 'runtimes-under-test', 'node-plain');

/** node-plain whole in one function zip: bootstrap, runtime and probe at /var/task. */
async function wholeRuntimeZip(dir: string): Promise<Buffer> {
  const file = await makeZip(path.join(dir, 'node-plain-function.zip'), [
    { name: 'bootstrap', data: await readFile(path.join(NODE_PLAIN, 'bootstrap'), 'utf8'), mode: 0o755 },
    { name: 'runtime.js', data: await readFile(path.join(NODE_PLAIN, 'runtime.js'), 'utf8') },
    { name: 'probe.js', data: await readFile(path.join(NODE_PLAIN, 'probe.js'), 'utf8') },
  ]);
  return readFile(file);
}

beforeAll(async () => {
  served = await serveControlPlane();
  lambda = new LambdaClient({
    endpoint: served.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: ALICE.accessKeyId, secretAccessKey: 'not-checked' },
    maxAttempts: 1,
  });
  await lambda.send(
    new CreateFunctionCommand({ FunctionName: 'streamer', Runtime: 'provided.al2023', Handler: 'probe.streaming', Role: ROLE, Timeout: 5, Code: { ZipFile: await wholeRuntimeZip(served.dir) } }),
  );
  const layer = await lambda.send(new PublishLayerVersionCommand({ LayerName: 'node-plain', Content: { ZipFile: await runtimeLayerZip(served.dir) } }));
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: 'layered-streamer',
      Runtime: 'provided.al2023',
      Handler: 'probe.streaming',
      Role: ROLE,
      Timeout: 5,
      Code: { ZipFile: await probeFunctionZip(served.dir) },
      Layers: [layer.LayerVersionArn as string],
    }),
  );
}, 90_000);

afterAll(async () => {
  lambda?.destroy();
  await served?.stop();
});

async function streamed(name: string, event: unknown) {
  const out = await lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(event)), LogType: 'Tail' }));
  const chunks: { at: number; text: string }[] = [];
  let complete: { ErrorCode?: string | undefined; ErrorDetails?: string | undefined; LogResult?: string | undefined } | undefined;
  for await (const ev of out.EventStream ?? []) {
    if (ev.PayloadChunk?.Payload) chunks.push({ at: Date.now(), text: Buffer.from(ev.PayloadChunk.Payload).toString('utf8') });
    if (ev.InvokeComplete) complete = ev.InvokeComplete;
  }
  return { status: out.$metadata.httpStatusCode, chunks, complete };
}

describe('InvokeWithResponseStream of a function created with CreateFunction', () => {
  it('delivers each chunk in order as the runtime writes it (runtime in the function zip)', async () => {
    const r = await streamed('streamer', { probe: 'stream', chunks: 4, delayMs: 250 });
    expect(r.status).toBe(200);
    expect(r.chunks.map((c) => c.text)).toEqual(['chunk 0\n', 'chunk 1\n', 'chunk 2\n', 'chunk 3\n']);
    // 250 ms between writes: a caller that got them all at the end would see them within a few ms.
    expect((r.chunks[3]?.at ?? 0) - (r.chunks[0]?.at ?? 0)).toBeGreaterThanOrEqual(500);
    expect(r.complete?.ErrorCode).toBeUndefined();
    expect(Buffer.from(r.complete?.LogResult ?? '', 'base64').toString()).toContain('REPORT RequestId');
  });

  it('streams from a function whose runtime comes from a layer, by ARN', async () => {
    const r = await streamed(`arn:aws:lambda:us-east-1:${ALICE.account}:function:layered-streamer`, { probe: 'stream', chunks: 3, delayMs: 200 });
    expect(r.chunks.map((c) => c.text)).toEqual(['chunk 0\n', 'chunk 1\n', 'chunk 2\n']);
    expect((r.chunks[2]?.at ?? 0) - (r.chunks[0]?.at ?? 0)).toBeGreaterThanOrEqual(250);
    expect(r.complete?.ErrorCode).toBeUndefined();
  });

  it('reports a failure after the first byte in InvokeComplete, after the chunks already sent', async () => {
    const r = await streamed('streamer', { probe: 'stream', chunks: 3, failAfter: 2 });
    expect(r.chunks.map((c) => c.text).join('')).toBe('chunk 0\nchunk 1\n');
    expect(r.complete?.ErrorCode).toBe('ProbeStreamError');
    expect(JSON.parse(r.complete?.ErrorDetails ?? '{}')).toMatchObject({ errorType: 'ProbeStreamError', errorMessage: 'failed after 2 chunks' });
  });

  it('reports a function without a bootstrap as Runtime.InvalidEntrypoint in InvokeComplete', async () => {
    await lambda.send(
      new CreateFunctionCommand({ FunctionName: 'no-runtime', Runtime: 'provided.al2023', Handler: 'probe.streaming', Role: ROLE, Code: { ZipFile: await probeFunctionZip(served.dir) } }),
    );
    const r = await streamed('no-runtime', { probe: 'stream', chunks: 1 });
    expect(r.status).toBe(200);
    expect(r.chunks).toEqual([]);
    expect(r.complete?.ErrorCode).toBe('Runtime.InvalidEntrypoint');
    expect(JSON.parse(r.complete?.ErrorDetails ?? '{}')).toMatchObject({ errorType: 'Runtime.InvalidEntrypoint' });
  });

  it('refuses a function that does not exist with ResourceNotFoundException', async () => {
    const err = await lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: 'nobody', Payload: Buffer.from('{}') })).then(
      () => undefined,
      (e: unknown) => e as { name: string },
    );
    expect(err?.name).toBe('ResourceNotFoundException');
  });
});
