import { createHash } from 'node:crypto';
import type { ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';
import { describeOutcome } from '../harness/suite/checks.ts';
import type { Counter } from '../harness/suite/verify.ts';
import { MAX_PAYLOAD_SIZE } from '../harness/api/errors.ts';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

const UTF8_SAMPLES: Array<[string, string]> = [
  ['accents', 'café naïve déjà vu Ångström'],
  ['CJK', '日本語のテキスト 中文 한국어'],
  ['emoji and astral plane', 'emoji 😀🎉👩‍👩‍👧 music 𝄞 math 𝔸'],
  ['escaped control characters', 'tab\t newline\n cr\r quote" backslash\\ nul\u0000 bell\u0007 unit\u001f'],
  ['line and paragraph separators', 'a\u2028b\u2029c'],
];

/** The digest event padded so that its JSON is exactly `total` bytes. */
function digestEventOfSize(total: number): { body: string; value: string } {
  const shell = JSON.stringify({ probe: 'digest', value: '' });
  const tail = 'é😀end';
  const pad = total - shell.length - Buffer.byteLength(tail);
  const value = 'x'.repeat(pad) + tail;
  return { body: JSON.stringify({ probe: 'digest', value }), value };
}

export default area('payload', 'Payloads: size limits and UTF-8', [
  scenario(
    {
      id: 'payload.event-max',
      level: 'MUST',
      title: `Handles an event of ${MAX_PAYLOAD_SIZE} bytes`,
      requirement: `The runtime reads event bodies up to the ${MAX_PAYLOAD_SIZE}-byte cap completely.`,
    },
    async (t: ScenarioContext) => {
      const env = await t.environment({ timeoutS: 30 });
      // A small digest must work first: payload.utf8 judges the digest of ordinary strings.
      await t.given(env, { probe: 'digest', value: 'small' });
      const { body, value } = digestEventOfSize(MAX_PAYLOAD_SIZE);
      const r = await t.invoke(env, { event: body });
      const got = t.verify.json<{ utf8Bytes: number; sha256: string }>(env, r, 'digest of the largest event', 'digest');
      const want = { utf8Bytes: Buffer.byteLength(value), sha256: sha256(value) };
      t.check(got.utf8Bytes === want.utf8Bytes && got.sha256 === want.sha256, {
        message: 'the handler did not see the whole event',
        expected: JSON.stringify(want),
        actual: JSON.stringify(got),
      });
    },
  ),
  scenario(
    {
      id: 'payload.response-max',
      level: 'MUST',
      title: `Posts a response of exactly ${MAX_PAYLOAD_SIZE} bytes`,
      requirement: `A response body of ${MAX_PAYLOAD_SIZE} bytes is accepted (202) and reaches the caller intact.`,
    },
    async (t: ScenarioContext) => {
      const env = await t.environment({ timeoutS: 30 });
      await t.given(env, { probe: 'echo', value: 1 });
      const r = await t.probe(env, { probe: 'bytes', size: MAX_PAYLOAD_SIZE - 2 });
      const body = r.response.payload;
      const ok = r.outcome === 'success' && body.length === MAX_PAYLOAD_SIZE && body[0] === 0x22 && body[1] === 0x78 && body.at(-1) === 0x22 && body.at(-2) === 0x78;
      t.check(ok, {
        message: 'the largest allowed response did not arrive intact',
        expected: `success, ${MAX_PAYLOAD_SIZE} bytes: "xxx…x"`,
        actual: `${r.outcome}, ${body.length} bytes: ${body.subarray(0, 40).toString('utf8')}…`,
      });
    },
  ),
  scenario(
    {
      id: 'payload.response-oversize',
      // SHOULD, as docs/requirements.md#startup has it for every 4xx from /response; §12.D.20 says MUST for the
      // same reaction. A runtime that exits on 413 costs a cold start, not a wrong answer: the
      // platform has already failed the invocation as Function.ResponseSizeTooLarge.
      level: 'SHOULD',
      title: 'Survives a 413 for an oversized response',
      requirement: `A response of ${MAX_PAYLOAD_SIZE + 1} bytes is answered 413 (Function.ResponseSizeTooLarge); the runtime goes on to serve the next invocation instead of exiting.`,
    },
    async (t: ScenarioContext) => {
      const env = await t.environment({ timeoutS: 30 });
      const before = await t.givenWarm(env);
      const big = await t.probe(env, { probe: 'bytes', size: MAX_PAYLOAD_SIZE - 1 });
      // A runtime that cuts or mangles large responses never gets the 413: payload.response-max judges that.
      t.pre.that(big.outcome === 'response-too-large', { message: 'the oversized response did not reach the API whole, so it was not refused with 413', expected: 'Function.ResponseSizeTooLarge', actual: describeOutcome(big), records: [big] }, 'payload.response-max');
      const r = await t.probe(env, { probe: 'counter' });
      const after = t.verify.json<Counter>(env, r, 'the invocation after the 413', 'counter');
      t.verify.sameProcess(before, after, r, 'the runtime did not survive the 413: a new process served the next invocation');
    },
  ),
  scenario(
    {
      id: 'payload.utf8',
      level: 'MUST',
      title: 'Keeps UTF-8 intact both ways',
      requirement: 'Strings with accents, CJK, emoji (astral plane) and escaped control characters arrive in the handler and come back byte for byte.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      await t.given(env, { probe: 'echo', value: 'ascii' });
      await t.given(env, { probe: 'digest', value: 'ascii' });
      for (const [name, s] of UTF8_SAMPLES) {
        const e = await t.probe(env, { probe: 'echo', value: s });
        const echoed = t.verify.json(env, e, `echo of ${name}`, 'echo');
        t.check(echoed === s, { message: `echo of ${name} changed the string`, expected: JSON.stringify(s), actual: e.response.payload.toString('utf8').slice(0, 200), records: [e] });
        const d = await t.probe(env, { probe: 'digest', value: s });
        const got = t.verify.json<{ utf8Bytes: number; sha256: string }>(env, d, `digest of ${name}`, 'digest');
        const want = { utf8Bytes: Buffer.byteLength(s), sha256: sha256(s) };
        t.check(got.utf8Bytes === want.utf8Bytes && got.sha256 === want.sha256, {
          message: `the handler saw different bytes for ${name}`,
          expected: JSON.stringify(want),
          actual: JSON.stringify(got),
          records: [d],
        });
      }
    },
  ),
  scenario(
    {
      id: 'payload.non-json-event',
      // SHOULD, not docs/requirements.md#payload.non-json-event's MUST: Lambda's Invoke API refuses a body that is not JSON
      // (InvalidRequestContentException), so only other paths could deliver one; crashing then costs
      // a cold start.
      level: 'SHOULD',
      title: 'A non-JSON event does not kill the runtime',
      requirement: 'Arbitrary event bytes (not JSON, binary, another content type) may fail the invocation but should not crash the invoke loop.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      // A runtime that exits after any error is errors.warm-after-error's finding, not this one's.
      const before = await t.givenSurvivesError(env);
      const odd = await t.invoke(env, { event: Buffer.from([0x6e, 0x6f, 0x74, 0x20, 0x6a, 0x73, 0x6f, 0x6e, 0x00, 0xff, 0xfe]), contentType: 'application/octet-stream' });
      t.verify.survived(odd, 'a non-JSON event');
      const r = await t.probe(env, { probe: 'counter' });
      const after = t.verify.json<Counter>(env, r, 'the invocation after the non-JSON event', 'counter');
      t.verify.sameProcess(before, after, r, 'a new process served the invocation after the non-JSON event');
    },
  ),
]);
