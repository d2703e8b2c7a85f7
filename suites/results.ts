import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import type { ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';
import { describeOutcome, isPost, resultPosts, routesOf, SETTLE_MS } from '../harness/suite/checks.ts';

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
  ['unicode keys', { 'clé': 1, 'キー': 2, '🔑': 3 }],
];

export default area('results', 'Results: one per invocation, to the right id', [
  scenario(
    {
      id: 'results.echo',
      level: 'MUST',
      title: 'Returns JSON results unchanged',
      requirement: 'The result the handler returns reaches /response intact: the same JSON value for every kind of value.',
      source: 'SPEC.md §1.4; PROBE.md §2 (echo)',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      for (const [name, value] of ECHO_VALUES) {
        const r = await t.probe(env, { probe: 'echo', value });
        const got = t.result(r, `echo of ${name}`);
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
      source: 'SPEC.md §1.7, §12.D.18',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
      const ids: string[] = [];
      for (const event of [{ probe: 'echo', value: 1 }, { probe: 'throw', errorType: 'BootspecProbeError', message: 'x' }, { probe: 'echo', value: 2 }]) {
        ids.push((await t.probe(env, event)).requestId);
      }
      await sleep(SETTLE_MS);
      for (const id of ids) {
        const posts = resultPosts(env.exchanges, id);
        t.check(posts.length === 1 && (posts[0]?.status === 202 || posts[0]?.status === 413), {
          message: `invocation ${id} got ${posts.length} result posts`,
          expected: 'one POST …/response or …/error answered 202',
          actual: routesOf(posts) || 'none',
          exchanges: posts,
        });
      }
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
      source: 'SPEC.md §1.7, §12.B.9',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
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
      source: 'SPEC.md §1.3, §12.B.10',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
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
      source: 'SPEC.md §1.4 (Node encodeURIComponent), §12.B.10',
    },
    async (t: ScenarioContext) => {
      const env = await t.environment();
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
