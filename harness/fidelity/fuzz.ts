/**
 * A seeded generator of conversations from the corpus grammar: random paths, ids, headers, bodies,
 * framing, partial sends, disconnects, exits and order. The same seed gives the same conversations,
 * so a finding can be replayed; the run is bounded by time, not by a count.
 */
import { seededRandom } from '../bench/stats.ts';
import { R, RUNTIME_PREFIX } from './grammar.ts';
import type { BodySpec, Conversation, HeaderList, RequestSpec, Step } from './types.ts';

const LIMIT = 6 * 1024 * 1024 + 100;

class Pick {
  constructor(readonly rnd: () => number) {}
  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }
  one<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }
  chance(p: number): boolean {
    return this.rnd() < p;
  }
}

const IDS = ['{{rid:enc}}', '{{rid:enc}}', '{{rid:enc}}', '{{rid}}', 'nope', '', '%zz', 'REQ-1', '{{rid:enc}}%20'];
const BODIES: BodySpec[] = ['"ok"', '', '{"errorMessage":"m","errorType":"T"}', 'not json', '\u00e9\u00ff'];
const HEADER_CHOICES: HeaderList = [
  ['Content-Type', 'application/json'],
  ['content-type', 'text/plain'],
  ['Content-Type', 'application/vnd.aws.lambda.error.cause+json'],
  ['Lambda-Runtime-Function-Response-Mode', 'streaming'],
  ['Lambda-Runtime-Function-Response-Mode', 'buffered'],
  ['Lambda-Runtime-Function-Error-Type', 'Runtime.Fuzz'],
  ['lambda-runtime-function-error-type', 'odd'],
  ['Expect', '100-continue'],
  ['Connection', 'close'],
  ['X-Dup', 'a'],
  ['X-Dup', 'b'],
];
const PATHS = ['/runtime/invocation/next', '/runtime/init/error', '/ping', '/runtime/invocation/{{rid:enc}}', '/runtime/unknown', '/runtime/invocation/{{rid:enc}}/response/extra'];

function body(p: Pick): BodySpec {
  if (p.chance(0.04)) return { repeat: 'x', count: LIMIT + p.one([-1, 0, 1]) };
  if (p.chance(0.1)) return { repeat: 'ab', count: 1 + p.int(5000) };
  return p.one(BODIES);
}

function headers(p: Pick): HeaderList {
  const n = p.int(3);
  return Array.from({ length: n }, () => p.one(HEADER_CHOICES));
}

function result(p: Pick): RequestSpec {
  const kind = p.one(['response', 'response', 'error'] as const);
  const spec = R[kind](body(p), p.one(IDS), headers(p));
  if (p.chance(0.2)) spec.framing = 'chunked';
  if (spec.framing === 'chunked' && p.chance(0.3)) spec.trailers = [['X-Trailer', 'v']];
  if (spec.framing === 'chunked') spec.chunkSize = 1 + p.int(7);
  if (p.chance(0.08)) spec.declaredLength = p.one([0, 1, 1_000_000_000]);
  return spec;
}

function step(p: Pick, conns: string[]): Step[] {
  const conn = p.one(conns);
  const roll = p.int(100);
  if (roll < 22) return [{ op: 'request', conn, request: R.next() }];
  if (roll < 60) {
    const request = result(p);
    if (p.chance(0.15)) return [{ op: 'request', conn, request, send: 'head' }, p.chance(0.5) ? { op: 'rest', conn } : { op: 'close', conn }];
    return [{ op: 'request', conn, request }];
  }
  if (roll < 67) return [{ op: 'request', conn, request: R.initError(body(p), headers(p)) }];
  if (roll < 74) return [{ op: 'request', conn, request: { method: p.one(['GET', 'POST', 'PUT', 'DELETE']), path: `${RUNTIME_PREFIX}${p.one(PATHS)}`, headers: headers(p) } }];
  if (roll < 80) return [{ op: 'await', conn: 'inv', maxMs: 2500 }];
  if (roll < 84) return [{ op: 'close', conn }];
  if (roll < 87) return [{ op: 'exit', code: p.one([0, 1, 2]) }];
  if (roll < 93) return [{ op: 'invoke', conn: `inv${2 + p.int(2)}`, requestId: p.one(['req-2', 'req-3', 'x y']) }];
  return [{ op: 'raw', conn, bytes: p.one(['HELLO\r\n\r\n', 'GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: 127.0.0.1\r\nX\r\n\r\n', 'GET /2018-06-01/runtime/invocation/next HTTP/1.0\r\n\r\n']) }];
}

/** The `n`th conversation of a seed. */
export function generateConversation(seed: number, n: number): Conversation {
  const p = new Pick(seededRandom((seed * 1_000_003 + n) >>> 0));
  const steps: Step[] = [{ op: 'invoke', conn: 'inv', requestId: 'req-1', body: '{}' }];
  if (p.chance(0.85)) steps.push({ op: 'request', conn: 'rt', request: R.next() });
  const conns = ['rt', 'rt', 'rt2'];
  const count = 1 + p.int(6);
  for (let i = 0; i < count; i++) steps.push(...step(p, conns));
  if (p.chance(0.5)) steps.push({ op: 'request', conn: 'rt', request: R.next() }, { op: 'await', conn: 'inv', maxMs: 2500 });
  return { id: `fuzz.${seed}.${n}`, title: `generated (seed ${seed}, #${n})`, steps: fixConnections(steps) };
}

/** Steps that use a connection before anything opened it are dropped (a `rest` or `close` with no request). */
export function fixConnections(steps: Step[]): Step[] {
  const open = new Set<string>();
  return steps.filter((s) => {
    if (s.op === 'exit') return true;
    if (s.op === 'rest' || s.op === 'close' || s.op === 'await') return open.has(s.conn);
    open.add(s.conn);
    return true;
  });
}
