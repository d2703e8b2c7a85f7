import { describe, expect, it } from 'vitest';
import { handleResult } from '../../../harness/api/handlers/result.ts';
import type { StreamedBody } from '../../../harness/api/types.ts';
import { exchange, FakeApiState, FakeRequest } from './fakes.ts';

const STREAMING = { 'lambda-runtime-function-response-mode': 'streaming', 'transfer-encoding': 'chunked' };

function streamPost(api: FakeApiState, id: string, headers: Record<string, string> = STREAMING) {
  const req = new FakeRequest('POST', `/2018-06-01/runtime/invocation/${id}/response`, headers);
  const { ex, res } = exchange(api, req, 'response');
  handleResult(api, ex, 'response', id);
  return { req, res };
}

function running() {
  const api = FakeApiState.in('Running');
  const inv = api.withDelivered();
  return { api, inv, id: inv.request.requestId };
}

function settledStream(api: FakeApiState): StreamedBody {
  const r = api.settled?.result;
  if (r?.kind !== 'response' || r.stream === undefined) throw new Error(`expected a streamed response, got ${r?.kind}`);
  return r.stream;
}

describe('handleResult: a streamed /response', () => {
  it('takes the body as a stream, moves to InvocationResponse at once, answers 202 and settles at its end', () => {
    const { api, inv, id } = running();
    const { req, res } = streamPost(api, id);
    expect(req.stream).toBeDefined();
    expect(api.state).toBe('InvocationResponse');
    req.stream?.data(Buffer.from('ab'));
    expect(api.settled).toBeUndefined();
    req.stream?.end({});
    expect(res.statusCode).toBe(202);
    expect(api.settled?.invocation).toBe(inv);
    expect(api.settled?.answeredFirst).toBe(true);
    const s = settledStream(api);
    expect(s.size).toBe(2);
    expect(s.mode).toBe('streaming');
    expect(s.end).toBe('complete');
  });

  it('answers 400 for an unknown id without taking the stream', () => {
    const { api } = running();
    const { req, res } = streamPost(api, 'made-up');
    expect(res.statusCode).toBe(400);
    expect(req.stream).toBeUndefined();
  });

  it('reads a body without the mode header as a stream only for a streaming caller', () => {
    const { api, id } = running();
    api.streamingInvoke = true;
    const { req } = streamPost(api, id, { 'transfer-encoding': 'chunked' });
    expect(req.stream).toBeDefined();
    const other = running();
    const buffered = streamPost(other.api, other.id, { 'transfer-encoding': 'chunked' });
    expect(buffered.req.stream).toBeUndefined();
  });

  it('cuts a buffered caller\'s stream at the synchronous limit: 413 and the connection closed', () => {
    const { api, id } = running();
    const { req, res } = streamPost(api, id);
    req.stream?.data(Buffer.alloc(6 * 1024 * 1024));
    req.stream?.data(Buffer.alloc(200));
    expect(res.statusCode).toBe(413);
    expect(res.closedAfterAnswer).toBe(true);
    expect(settledStream(api).end).toBe('oversized');
  });

  it('drops a stream that was still being read when the environment was reset', () => {
    const { api, id } = running();
    const { req, res } = streamPost(api, id);
    api.generation += 1;
    req.stream?.end({});
    expect(res.destroyed).toBe(true);
    expect(api.settled).toBeUndefined();
  });
});
