import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import type { ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';
import { describeOutcome, isPost, routesOf, SETTLE_MS } from '../harness/suite/checks.ts';

function nested(depth: number): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/** JSON values a handler must get and return unchanged. */
const ECHO_VALUES: Array<[string, unknown]> = [
  ['nested object', { a: [1, { b: null, c: 'x' }], d: { e: { f: true } } }],
  ['integer', 1234567890123],
  ['negative fraction', -1.5],
  ['small exponent', 1e-7],
  ['zero', 0],
  ['true', true],
  ['false', false],
  ['null', null],
  ['empty object', {}],
  ['empty array', []],
  ['empty string', ''],
  ['null inside object and array', { k: null, l: [null, 1] }],
  ['64 levels deep', nested(64)],
  // Non-ASCII text is payload.utf8's subject: a runtime that mangles UTF-8 is blamed there once.
];

export default area('results', 'Results: one per invocation, to the right id', [
  scenario(
    {
      id: 'results.echo',
      level: 'MUST',
      title: 'Returns JSON results unchanged',
      requirement: 'The result the handler returns reaches /response intact: the same JSON value for every kind of value.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      for (const [name, value] of ECHO_VALUES) {
        const r = await t.probe(env, { probe: 'echo', value });
        const got = t.pre.json(env, r, `echo of ${name}`, 'echo');
        t.check(isDeepStrictEqual(got, value), {
          message: `echo of ${name} came back changed`,
          expected: JSON.stringify(value).slice(0, 300),
          actual: r.response.payload.toString('utf8').slice(0, 300),
          records: [r],
        });
      }
    },
  ),
  scenario(
    {
      id: 'results.one-result',
      level: 'MUST',
      title: 'Posts exactly one result per invocation',
      requirement: 'For each invocation the runtime POSTs exactly one of /response or /error, to that invocation\'s id; a second post is answered 403.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      await t.given(env, { probe: 'echo', value: 0 });
      const ids: string[] = [];
      for (const event of [{ probe: 'echo', value: 1 }, { probe: 'throw', errorType: 'BootspecProbeError', message: 'x' }, { probe: 'echo', value: 2 }]) {
        ids.push((await t.probe(env, event)).requestId);
      }
      await sleep(SETTLE_MS);
      t.verify.onePostPerId(env.exchanges, ids);
      const refused = env.exchanges.filter((e) => isPost(e) && (e.status === 400 || e.status === 403));
      t.check(refused.length === 0, { message: 'the runtime made result posts the API refused', expected: 'no 400/403 answers', actual: routesOf(refused), exchanges: refused });
    },
  ),
  scenario(
    {
      id: 'results.result-before-next',
      level: 'MUST',
      title: 'Calls /next only after posting the result',
      requirement: 'The runtime calls /next only when it has no invocation outstanding; RAPID answers an early /next with the same event again.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      await t.given(env, { probe: 'echo', value: 'first' });
      for (let i = 0; i < 3; i++) {
        const r = await t.probe(env, { probe: 'echo', value: i });
        t.check(r.deliveries <= 1, {
          message: 'the runtime called /next before posting the result, so the same event was delivered again',
          expected: 'one delivery per event',
          actual: `${r.deliveries} deliveries of ${r.requestId}`,
          records: [r],
        });
      }
      t.check(env.observations.nextBeforeResult === 0, {
        message: 'a /next arrived while an event had no result',
        expected: '0',
        actual: String(env.observations.nextBeforeResult),
      });
    },
  ),
  scenario(
    {
      id: 'results.request-id-opaque',
      level: 'MUST',
      title: 'Treats the request id as opaque',
      requirement: 'The runtime uses Lambda-Runtime-Aws-Request-Id exactly as given (any string, not only a lower-case UUID).',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      await t.given(env, { probe: 'echo', value: 0 });
      const requestId = 'Bootspec+Request:ID=Upper@Case~1';
      const r = await t.probe(env, { probe: 'echo', value: 1 }, { requestId });
      t.check(r.outcome === 'success', {
        message: 'the runtime did not post its result to the request id it was given',
        expected: `POST /2018-06-01/runtime/invocation/${encodeURIComponent(requestId)}/response`,
        actual: `${routesOf(r.exchanges.filter(isPost)) || 'no post'}; ${describeOutcome(r)}`,
      });
    },
  ),
  scenario(
    {
      id: 'results.request-id-encoded',
      level: 'SHOULD',
      title: 'URL-encodes the request id in the path',
      requirement: 'The runtime percent-encodes the request id in /runtime/invocation/{id}/… so that any string is a valid path segment.',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      await t.given(env, { probe: 'echo', value: 0 });
      // Using the id exactly as given is results.request-id-opaque's subject; this one judges encoding.
      const plain = await t.probe(env, { probe: 'echo', value: 1 }, { requestId: 'Bootspec+Request:ID=Upper@Case~2' });
      t.pre.that(plain.outcome === 'success', { message: 'a request id with upper case and +:=@~ was not used as given', expected: 'success', actual: describeOutcome(plain), records: [plain] }, 'results.request-id-opaque');
      const requestId = 'bootspec id/with?odd#chars%20';
      const r = await t.probe(env, { probe: 'echo', value: 1 }, { requestId });
      t.check(r.outcome === 'success', {
        message: 'a request id with reserved characters was not encoded',
        expected: `POST /2018-06-01/runtime/invocation/${encodeURIComponent(requestId)}/response`,
        actual: `${routesOf(env.exchanges.filter((e) => e.route !== 'next')) || 'no post'}; ${describeOutcome(r)}`,
      });
    },
  ),
]);
