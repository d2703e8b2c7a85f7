import { describe, expect, it } from 'vitest';
import { classify, compareTranscripts } from '../../harness/fidelity/compare.ts';
import { generateConversation } from '../../harness/fidelity/fuzz.ts';
import { renderRequest, validateConversation } from '../../harness/fidelity/grammar.ts';
import type { KnownDivergences } from '../../harness/fidelity/known.ts';
import { normaliseAnswer, normaliseBody, normaliseText } from '../../harness/fidelity/normalise.ts';
import { shrink, simplerSteps } from '../../harness/fidelity/shrink.ts';
import type { Answer, Conversation, DeliberateEntry, Transcript } from '../../harness/fidelity/types.ts';

const answer = (over: Partial<Answer> = {}): Answer => ({
  conn: 'rt',
  target: 'runtime',
  request: 0,
  requestLine: 'GET /2018-06-01/runtime/invocation/next',
  status: 200,
  reason: 'OK',
  headers: [['Content-Type', 'application/json']],
  body: Buffer.from('{}'),
  afterStep: 1,
  timing: 'after-body',
  ...over,
});
const transcript = (server: 'rie' | 'mock', answers: Answer[], extra: Partial<Transcript> = {}): Transcript => ({ server, answers, unanswered: [], closedByServer: [], notes: [], ...extra });
const none: KnownDivergences = { deliberate: [] };

describe('normaliser', () => {
  it('replaces generated values and keeps the rest', () => {
    expect(normaliseText('id 8476a536-e9f4-11e8-9739-2dfe598c3fcd at 1542409706888')).toBe('id <uuid> at <epoch-ms>');
    expect(normaliseText('arn:aws:lambda:us-east-1:012345678912:function:test_function')).toBe('<function-arn>');
    expect(normaliseText('Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1')).toBe('<trace-id>');
    expect(normaliseText('Invalid request ID')).toBe('Invalid request ID');
  });
  it('drops framing and date headers, lower-cases names, sorts JSON keys but keeps the newline', () => {
    const n = normaliseAnswer(answer({ headers: [['Date', 'x'], ['Content-Length', '3'], ['Content-Type', 'a'], ['X-A', '1'], ['x-a', '2']], body: Buffer.from('{"b":1,"a":2}\n') }));
    expect(n.headers).toEqual({ 'content-type': 'a', 'x-a': '1, 2' });
    expect(n.body).toBe('{"a":2,"b":1}\n');
    expect(normaliseBody(Buffer.from('{"a":2}'))).not.toBe(normaliseBody(Buffer.from('{"a":2}\n')));
  });
  it('compares big bodies by size and digest', () => {
    const a = normaliseBody(Buffer.alloc(5000, 'x'));
    expect(a).toMatch(/^<5000 bytes sha256:[0-9a-f]{16}>$/);
    expect(normaliseBody(Buffer.alloc(5000, 'y'))).not.toBe(a);
  });
});

describe('comparator', () => {
  it('finds nothing between equal transcripts, once normalised', () => {
    const r = transcript('rie', [answer({ headers: [['Lambda-Runtime-Deadline-Ms', '1796317059598']] })]);
    const m = transcript('mock', [answer({ headers: [['lambda-runtime-deadline-ms', '1796317059999']] })]);
    expect(compareTranscripts('c', r, m)).toEqual([]);
  });
  it('reports status, header, body, timing, a missing answer and a closed connection', () => {
    const r = transcript('rie', [answer({ status: 400, afterStep: 2, timing: 'at-once' }), answer({ request: 1 })], { closedByServer: [{ conn: 'rt', afterStep: 2 }] });
    const m = transcript('mock', [answer({ status: 202, headers: [], afterStep: 3 })]);
    const fields = compareTranscripts('c', r, m).map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['status', 'header:content-type', 'timing', 'answered', 'closed']));
  });
  it('explains with the lists and marks what follows an unexplained divergence as consequent', () => {
    const r = transcript('rie', [answer({ status: 400, afterStep: 1 }), answer({ request: 1, status: 403, afterStep: 2 })]);
    const m = transcript('mock', [answer({ status: 202, afterStep: 1 }), answer({ request: 1, status: 202, afterStep: 2 })]);
    const known: KnownDivergences = {
      deliberate: [{ id: 'd', match: { field: '^status$', rie: '^400$' }, reason: 'a deliberate difference', evidence: ['https://example.org/e'] }],
    };
    const out = classify(compareTranscripts('c', r, m), known);
    expect(out[0]?.explanation).toEqual({ kind: 'deliberate', id: 'd' });
    expect(out[1]?.explanation.kind).toBe('unlisted');
    expect(out[1]?.consequent).toBe(false);
    const bare = classify(compareTranscripts('c', r, m), none);
    expect(bare[1]?.consequent).toBe(true);
    // A deliberate difference that leaves the servers in different states: what follows is its consequence.
    const diverging: KnownDivergences = { deliberate: [{ ...(known.deliberate[0] as DeliberateEntry), thenDiverges: true }] };
    const after = classify(compareTranscripts('c', r, m), diverging);
    expect(after[0]?.explanation).toEqual({ kind: 'deliberate', id: 'd' });
    expect(after[1]?.consequent).toBe(true);
    expect(classify(compareTranscripts('c', r, m), none)[0]?.consequent).toBe(false);
  });
});

describe('grammar and fuzzer', () => {
  it('renders chunked bodies with trailers and declared lengths byte for byte', () => {
    const w = renderRequest({ method: 'POST', path: '/p/{{rid:enc}}', body: 'abcde', framing: 'chunked', chunkSize: 2, trailers: [['X-T', 'v']] }, { rid: 'a/b' });
    expect(w.head.toString()).toBe('POST /p/a%2Fb HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n');
    expect(w.body.toString()).toBe('2\r\nab\r\n2\r\ncd\r\n1\r\ne\r\n0\r\nX-T: v\r\n\r\n');
    expect(renderRequest({ method: 'POST', path: '/p', body: 'x', declaredLength: 9 }, { rid: undefined }).head.toString()).toContain('Content-Length: 9');
    expect(w.requestLine).toBe('POST /p/{rid}');
  });
  it('generates the same valid conversations for the same seed, different ones for another', () => {
    const a = Array.from({ length: 30 }, (_, n) => generateConversation(5, n));
    for (const c of a) validateConversation(c, "fuzz");
    expect(a).toEqual(Array.from({ length: 30 }, (_, n) => generateConversation(5, n)));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(Array.from({ length: 30 }, (_, n) => generateConversation(6, n))));
  });
  it('refuses a malformed conversation with the step named', () => {
    expect(() => validateConversation({ id: 'x', title: 't', steps: [{ op: 'rest', conn: 'rt' }] }, 'f.json')).toThrow(/step 0 \(rest\)/);
  });
});

describe('shrinker', () => {
  const big: Conversation = {
    id: 'big',
    title: 't',
    steps: [
      { op: 'invoke', conn: 'inv', requestId: 'req-1' },
      { op: 'request', conn: 'rt', request: { method: 'GET', path: '/next' } },
      { op: 'request', conn: 'rt', request: { method: 'POST', path: '/bad', headers: [['X-A', '1'], ['X-B', '2']], body: 'long body here' }, send: 'head' },
      { op: 'rest', conn: 'rt' },
      { op: 'await', conn: 'inv' },
    ],
  };
  it('keeps only what the divergence needs', async () => {
    // The "divergence" needs the invoke and a POST /bad carrying X-B.
    const still = async (c: Conversation) =>
      c.steps.some((s) => s.op === 'invoke') && c.steps.some((s) => s.op === 'request' && s.request.path === '/bad' && s.request.headers?.some(([n]) => n === 'X-B'));
    const { conversation, trials } = await shrink(big, still);
    expect(conversation.steps.map((s) => s.op)).toEqual(['invoke', 'request']);
    const post = conversation.steps[1] as Extract<Conversation['steps'][number], { op: 'request' }>;
    expect(post.request.headers).toEqual([['X-B', '2']]);
    expect(post.request.body).toBe('');
    expect(post.send).toBeUndefined();
    expect(trials).toBeGreaterThan(0);
  });
  it('stops at its trial budget', async () => {
    let calls = 0;
    await shrink(big, async () => {
      calls += 1;
      return false;
    }, 3);
    expect(calls).toBe(3);
    expect(simplerSteps({ op: 'close', conn: 'rt' })).toEqual([]);
  });
});
