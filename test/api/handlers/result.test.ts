import { describe, expect, it } from 'vitest';
import { MAX_PAYLOAD_SIZE } from '../../../harness/api/errors.ts';
import { handleResult } from '../../../harness/api/handlers/result.ts';
import type { BodyResult } from '../../../harness/api/http1/types.ts';
import { exchange, FakeApiState, FakeRequest, okBody } from './fakes.ts';

type Kind = 'response' | 'error';

/** Posts a result for `id` with the body given up front, or ended later with `req.end`. */
function post(api: FakeApiState, kind: Kind, id: string, headers: Record<string, string> = {}, body: BodyResult | 'later' = okBody('{}')) {
  const req = new FakeRequest('POST', `/2018-06-01/runtime/invocation/${id}/${kind}`, headers, body === 'later' ? undefined : body);
  const { ex, res } = exchange(api, req, kind);
  handleResult(api, ex, kind, id);
  return { req, res };
}

/** A runtime that has its event: Running, with the invocation delivered. */
function running() {
  const api = FakeApiState.in('Running');
  const inv = api.withDelivered();
  return { api, inv, id: inv.request.requestId };
}

describe('handleResult alone: the response', () => {
  it('accepts the delivered id with 202 {"status":"OK"}, answers, then settles', () => {
    const { api, inv, id } = running();
    const { req, res } = post(api, 'response', id, { 'content-type': 'application/json' }, okBody('{"ok":true}'));
    expect(req.limit).toBe(MAX_PAYLOAD_SIZE);
    expect(res.statusCode).toBe(202);
    expect(res.body).toBe('{"status":"OK"}\n');
    expect(api.state).toBe('RuntimeResponseSentState');
    expect(api.settled?.invocation).toBe(inv);
    expect(api.settled?.answeredFirst).toBe(true);
    const r = api.settled?.result;
    if (r?.kind !== 'response') throw new Error(`expected a response result, got ${r?.kind}`);
    expect(r.payload.toString()).toBe('{"ok":true}');
    expect(r.contentType).toBe('application/json');
  });

  it('answers 400 for an unknown id before reading the body (RAPID), so a huge or endless body gets its answer', () => {
    const { api } = running();
    const { req, res } = post(api, 'response', 'not-in-flight', { 'content-length': '1000000000' }, 'later');
    expect(res.statusCode).toBe(400);
    expect(req.limit).toBeUndefined();
    expect(api.calls).toEqual(['delivered:not-in-flight']);
  });

  it('checks the request id before the state: 400, not 403, for a wrong id in a state that refuses results', () => {
    const api = FakeApiState.in('Ready');
    const { res } = post(api, 'response', 'made-up');
    expect(res.statusCode).toBe(400);
    expect(res.json).toEqual({ errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' });
    expect(api.calls).toEqual(['delivered:made-up']);
  });

  it('answers 403 for the right id when the result was already posted', () => {
    const { api, id } = running();
    post(api, 'response', id);
    const { res } = post(api, 'response', id);
    expect(res.statusCode).toBe(403);
    expect(res.json).toEqual({
      errorMessage: 'State transition from RuntimeResponseSentState to InvocationResponse failed for runtime. Error: State transition is not allowed',
      errorType: 'InvalidStateTransition',
    });
  });

  it('refuses a wrong Lambda-Runtime-Invocation-Id echo with 400, and takes a missing one', () => {
    const { api, inv, id } = running();
    (inv.request as { invocationId: string | null }).invocationId = 'nonce-a';
    expect(post(api, 'response', id, { 'lambda-runtime-invocation-id': 'nonce-b' }).res.statusCode).toBe(400);
    expect(api.state).toBe('Running');
    expect(post(api, 'response', id).res.statusCode).toBe(202);
  });

  it('answers 400 InvalidFunctionResponseMode for a mode other than streaming, and settles a platform error', () => {
    const { api, id } = running();
    const { res } = post(api, 'response', id, { 'lambda-runtime-function-response-mode': 'buffered' });
    expect(res.statusCode).toBe(400);
    expect(res.json).toEqual({ errorMessage: 'Invalid function response mode', errorType: 'InvalidFunctionResponseMode' });
    expect(api.settled?.result).toMatchObject({ kind: 'error', errorTypeHeader: 'Runtime.InvalidResponseModeHeader' });
  });

  it('answers 413 for a body over the limit, and settles too-large with its size', () => {
    const { api, id } = running();
    const { res } = post(api, 'response', id, {}, { kind: 'too-large', size: MAX_PAYLOAD_SIZE + 1 });
    expect(res.statusCode).toBe(413);
    expect(res.json).toMatchObject({ errorType: 'RequestEntityTooLarge' });
    expect(api.settled?.result).toMatchObject({ kind: 'too-large', size: MAX_PAYLOAD_SIZE + 1 });
  });

  it('answers 400 TruncatedHTTPRequest for a cut-off body, and settles Runtime.TruncatedResponse', () => {
    const { api, id } = running();
    const { res } = post(api, 'response', id, {}, { kind: 'truncated', size: 3 });
    expect(res.statusCode).toBe(400);
    expect(res.json).toMatchObject({ errorType: 'TruncatedHTTPRequest' });
    expect(api.settled?.result).toMatchObject({ kind: 'error', errorTypeHeader: 'Runtime.TruncatedResponse' });
  });

  // RAPID checks the id before anything else (before it reads the body); the fault comes after.
  it('answers an injected fault with 500 once the id is known, without a transition', () => {
    const { api, id } = running();
    api.faults.add('response');
    const { res } = post(api, 'response', id);
    expect(res.statusCode).toBe(500);
    expect(api.calls).toEqual([`delivered:${id}`]);
    expect(api.state).toBe('Running');
  });

  it('answers when a body that was still being read ends, in the same generation', () => {
    const { api, id } = running();
    const { req, res } = post(api, 'response', id, {}, 'later');
    expect(res.answered).toBe(false);
    req.end(okBody('{}'));
    expect(res.statusCode).toBe(202);
    expect(api.settled).toBeDefined();
  });

  it('drops a body that was still being read when the environment was reset', () => {
    const { api, id } = running();
    const { req, res } = post(api, 'response', id, {}, 'later');
    expect(res.answered).toBe(false);
    api.generation += 1;
    req.end(okBody('{}'));
    expect(res.destroyed).toBe(true);
    expect(res.answered).toBe(false);
    // Only the id check made before the body was read: no transition, no settle.
    expect(api.calls).toEqual([`delivered:${id}`]);
  });
});

describe('handleResult alone: the error', () => {
  it('settles the error with its type header and X-Ray cause', () => {
    const { api, id } = running();
    const { res } = post(
      api,
      'error',
      id,
      { 'content-type': 'application/json', 'lambda-runtime-function-error-type': 'Runtime.Custom', 'lambda-runtime-function-xray-error-cause': '{"x":1}' },
      okBody('{"errorType":"E","errorMessage":"m"}'),
    );
    expect(res.statusCode).toBe(202);
    expect(api.state).toBe('RuntimeResponseSentState');
    expect(api.settled?.result).toMatchObject({ kind: 'error', errorTypeHeader: 'Runtime.Custom', xrayCause: '{"x":1}', contentType: 'application/json' });
  });

  it('strips errorCause from an error.cause+json body, and replaces an unparsable one', () => {
    const cause = { 'content-type': 'application/vnd.aws.lambda.error.cause+json' };
    const first = running();
    post(first.api, 'error', first.id, cause, okBody('{"errorType":"E","errorMessage":"m","errorCause":{"x":1}}'));
    const r = first.api.settled?.result;
    if (r?.kind !== 'error') throw new Error(`expected an error result, got ${r?.kind}`);
    expect(JSON.parse(r.payload.toString())).toEqual({ errorType: 'E', errorMessage: 'm' });
    expect(r.contentType).toBe('application/json');

    const second = running();
    post(second.api, 'error', second.id, cause, okBody('{"errorType":'));
    const r2 = second.api.settled?.result;
    if (r2?.kind !== 'error') throw new Error(`expected an error result, got ${r2?.kind}`);
    expect(r2.payload.toString()).toBe('"Invalid error body"');
  });

  it('does not check the response mode header on /error', () => {
    const { api, id } = running();
    const { res } = post(api, 'error', id, { 'lambda-runtime-function-response-mode': 'buffered' });
    expect(res.statusCode).toBe(202);
  });
});
