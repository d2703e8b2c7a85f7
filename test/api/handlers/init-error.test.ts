import { describe, expect, it } from 'vitest';
import { MAX_PAYLOAD_SIZE } from '../../../harness/api/errors.ts';
import { handleInitError } from '../../../harness/api/handlers/init-error.ts';
import type { BodyResult } from '../../../harness/api/http1/types.ts';
import { exchange, FakeApiState, FakeRequest, okBody } from './fakes.ts';

const PATH = '/2018-06-01/runtime/init/error';
const REPORT = '{"errorType":"Runtime.X","errorMessage":"boom"}';

async function initError(api: FakeApiState, headers: Record<string, string> = {}, body: BodyResult = okBody(REPORT)) {
  const req = new FakeRequest('POST', PATH, headers, body);
  const { ex, res } = exchange(api, req, 'init-error');
  await handleInitError(api, ex);
  return { req, res };
}

describe('handleInitError alone', () => {
  it('accepts a report while Started with 202, and ends init with it', async () => {
    const api = FakeApiState.in('Started');
    const { req, res } = await initError(api, { 'content-type': 'application/json', 'lambda-runtime-function-error-type': 'Runtime.X' });
    expect(req.limit).toBe(MAX_PAYLOAD_SIZE);
    expect(res.statusCode).toBe(202);
    expect(res.body).toBe('{"status":"OK"}\n');
    expect(api.state).toBe('InitError');
    const outcome = api.initOutcome;
    if (outcome?.kind !== 'init-error') throw new Error(`expected an init error, got ${outcome?.kind}`);
    expect(outcome.report.payload.toString()).toBe(REPORT);
    expect(outcome.report.contentType).toBe('application/json');
    expect(outcome.report.errorTypeHeader).toBe('Runtime.X');
  });

  it('answers 403 after init ended (the runtime is Ready), and leaves init as it was', async () => {
    const api = FakeApiState.in('Ready');
    const { res } = await initError(api);
    expect(res.statusCode).toBe(403);
    expect(res.json).toEqual({
      errorMessage: 'State transition from Ready to InitError failed for runtime. Error: State transition is not allowed',
      errorType: 'InvalidStateTransition',
    });
    expect(api.calls).toEqual(['transition:InitError']);
  });

  it('answers 403 to a second report', async () => {
    const api = FakeApiState.in('Started');
    await initError(api);
    const { res } = await initError(api);
    expect(res.statusCode).toBe(403);
    expect(res.json).toMatchObject({ errorType: 'InvalidStateTransition' });
  });

  it('answers 413 for a report over the limit, and still ends init, with an empty payload', async () => {
    const api = FakeApiState.in('Started');
    const { res } = await initError(api, {}, { kind: 'too-large', size: MAX_PAYLOAD_SIZE + 1 });
    expect(res.statusCode).toBe(413);
    expect(res.json).toMatchObject({ errorType: 'RequestEntityTooLarge' });
    expect(api.state).toBe('InitError');
    expect(api.initOutcome).toMatchObject({ kind: 'init-error', report: { payload: Buffer.alloc(0) } });
  });

  it('answers an injected fault with 500, leaving the runtime Started', async () => {
    const api = FakeApiState.in('Started');
    api.faults.add('init-error');
    const { res } = await initError(api);
    expect(res.statusCode).toBe(500);
    expect(api.state).toBe('Started');
    expect(api.initOutcome).toBeUndefined();
  });

  it('drops a report whose body was still being read when the environment was reset', async () => {
    const api = FakeApiState.in('Started');
    const req = new FakeRequest('POST', PATH);
    const { ex, res } = exchange(api, req, 'init-error');
    const handled = handleInitError(api, ex);
    api.generation += 1;
    req.end(okBody(REPORT));
    await handled;
    expect(res.destroyed).toBe(true);
    expect(res.answered).toBe(false);
    expect(api.calls).toEqual([]);
  });
});
