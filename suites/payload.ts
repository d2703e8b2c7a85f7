import { createHash } from 'node:crypto';
import type { ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';
import { describeOutcome, processFailed } from '../harness/suite/checks.ts';
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
      source: 'SPEC.md §1.3, §12.B.11',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment({ timeoutS: 30 });
      const { body, value } = digestEventOfSize(MAX_PAYLOAD_SIZE);
      const r = await t.invoke(env, { event: body });
      const got = t.result<{ utf8Bytes: number; sha256: string }>(r, 'digest of the largest event');
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
      source: 'SPEC.md §1.4, §12.D.20',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment({ timeoutS: 30 });
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
      // SHOULD, as SPEC.md §12.D.19 has it for every 4xx from /response; §12.D.20 says MUST for the
      // same reaction. A runtime that exits on 413 costs a cold start, not a wrong answer: the
      // platform has already failed the invocation as Function.ResponseSizeTooLarge.
      level: 'SHOULD',
      title: 'Survives a 413 for an oversized response',
      requirement: `A response of ${MAX_PAYLOAD_SIZE + 1} bytes is answered 413 (Function.ResponseSizeTooLarge); the runtime goes on to serve the next invocation instead of exiting.`,
      source: 'SPEC.md §1.4, §1.7, §12.D.19–20',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment({ timeoutS: 30 });
      const before = t.result<{ initId: string }>(await t.probe(env, { probe: 'counter' }));
      const big = await t.probe(env, { probe: 'bytes', size: MAX_PAYLOAD_SIZE - 1 });
      t.check(big.outcome === 'response-too-large', {
        message: 'the oversized response was not refused with 413',
        expected: 'Function.ResponseSizeTooLarge',
        actual: describeOutcome(big),
        records: [big],
      });
      const r = await t.probe(env, { probe: 'counter' });
      const after = t.result<{ initId: string }>(r, 'the invocation after the 413');
      t.check(after.initId === before.initId && !r.suppressedInit, {
        message: 'the runtime did not survive the 413: a new process served the next invocation',
        expected: `the same process (initId ${before.initId})`,
        actual: `initId ${after.initId}, suppressed init ${r.suppressedInit}`,
        records: [big, r],
      });
    },
  ),
  scenario(
    {
      id: 'payload.utf8',
      level: 'MUST',
      title: 'Keeps UTF-8 intact both ways',
      requirement: 'Strings with accents, CJK, emoji (astral plane) and escaped control characters arrive in the handler and come back byte for byte.',
      source: 'SPEC.md §1.3–1.4 (payloads are bytes); PROBE.md §2 (echo, digest)',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      for (const [name, s] of UTF8_SAMPLES) {
        const e = await t.probe(env, { probe: 'echo', value: s });
        const echoed = t.result(e, `echo of ${name}`);
        t.check(echoed === s, { message: `echo of ${name} changed the string`, expected: JSON.stringify(s), actual: e.response.payload.toString('utf8').slice(0, 200), records: [e] });
        const d = await t.probe(env, { probe: 'digest', value: s });
        const got = t.result<{ utf8Bytes: number; sha256: string }>(d, `digest of ${name}`);
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
      // SHOULD, not SPEC.md §12.B.11's MUST: Lambda's Invoke API refuses a body that is not JSON
      // (InvalidRequestContentException), so only other paths could deliver one; crashing then costs
      // a cold start.
      level: 'SHOULD',
      title: 'A non-JSON event does not kill the runtime',
      requirement: 'Arbitrary event bytes (not JSON, binary, another content type) may fail the invocation but should not crash the invoke loop.',
      source: 'SPEC.md §12.B.11',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      const before = t.result<{ initId: string }>(await t.probe(env, { probe: 'counter' }));
      const odd = await t.invoke(env, { event: Buffer.from([0x6e, 0x6f, 0x74, 0x20, 0x6a, 0x73, 0x6f, 0x6e, 0x00, 0xff, 0xfe]), contentType: 'application/octet-stream' });
      t.check(!processFailed(odd), { message: 'the runtime died on a non-JSON event', expected: 'a result or a function error', actual: describeOutcome(odd), records: [odd] });
      const r = await t.probe(env, { probe: 'counter' });
      const after = t.result<{ initId: string }>(r, 'the invocation after the non-JSON event');
      t.check(after.initId === before.initId, { message: 'a new process served the next invocation', expected: before.initId, actual: after.initId, records: [odd, r] });
    },
  ),
]);
