/** Named verifiers: one check, its own expected and actual, raised in the role the scenario gives it. */
import { describe, expect, it } from 'vitest';
import type { FailureDetail } from '../../harness/suite/context.ts';
import { COVERED, coveringScenario, Verifier } from '../../harness/suite/verify.ts';
import type { InvocationRecord } from '../../harness/invoke/types.ts';
import type { ExchangeRecord } from '../../harness/api/types.ts';

class Raised extends Error {
  constructor(
    readonly detail: FailureDetail,
    readonly coveredBy: string,
  ) {
    super(detail.message);
  }
}
const verifier = new Verifier({
  raise: (detail, coveredBy) => {
    throw new Raised(detail, coveredBy);
  },
});
function raised(fn: () => void): Raised {
  try {
    fn();
  } catch (err) {
    if (err instanceof Raised) return err;
    throw err;
  }
  throw new Error('the verifier did not raise');
}

function record(over: Partial<InvocationRecord> = {}): InvocationRecord {
  return {
    requestId: 'r1',
    outcome: 'success',
    response: { payload: Buffer.from('{"count":1,"initId":"a"}'), contentType: 'application/json', functionError: undefined },
    errorType: undefined,
    runtimeResult: undefined,
    inits: [],
    exit: undefined,
    coldStart: false,
    suppressedInit: false,
    deliveries: 1,
    generation: 0,
    request: {} as InvocationRecord['request'],
    timings: { queuedAt: 0, startedAt: 0, deliveredAt: 0, resultAt: 0, completedAt: 1, durationMs: 1, initDurationMs: undefined, billedDurationMs: 1 },
    maxMemoryUsedMb: undefined,
    exchanges: [],
    logs: [],
    ...over,
  };
}
const reached = { exchanges: [{} as ExchangeRecord] };
const silent = { exchanges: [] as ExchangeRecord[] };

describe('coveringScenario: why a set-up invocation failed', () => {
  it('blames the address when the runtime never made a request', () => {
    expect(coveringScenario(silent, record({ outcome: 'init-timeout' }), 'counter')).toBe(COVERED.reach);
  });
  it('blames the init budget when init ran out of time', () => {
    expect(coveringScenario(reached, record({ outcome: 'timeout', inits: [{ kind: 'timeout', generation: 0, durationMs: 10_000 }] }), 'counter')).toBe(COVERED.initBudget);
  });
  it('else blames the scenario that judges that probe operation', () => {
    expect(coveringScenario(reached, record({ outcome: 'function-error' }), 'counter')).toBe('reuse.globals-warm');
    expect(coveringScenario(reached, record({ outcome: 'function-error' }), 'context')).toBe('context.request-id');
    expect(coveringScenario(reached, record({ outcome: 'function-error' }), 'no-such-op')).toBe('results.echo');
  });
});

describe('verifiers give their own expected and actual', () => {
  it('json returns the parsed result of a success, and raises on a function error', () => {
    expect(verifier.json(reached, record(), 'the counter', 'counter')).toEqual({ count: 1, initId: 'a' });
    const e = raised(() => verifier.json(reached, record({ outcome: 'function-error', errorType: 'Boom' }), 'the counter', 'counter'));
    expect(e.detail).toMatchObject({ message: 'the counter did not succeed: function-error (Boom)', expected: 'a successful invocation' });
    expect(e.coveredBy).toBe('reuse.globals-warm');
  });
  it('json raises on a body that is not JSON', () => {
    const e = raised(() => verifier.json(reached, record({ response: { payload: Buffer.from('nope'), contentType: 'text/plain', functionError: undefined } }), 'the echo', 'echo'));
    expect(e.detail).toMatchObject({ message: 'the echo returned a body that is not JSON', actual: 'nope' });
  });
  it('sameProcess passes one initId and raises on a new process or a re-init', () => {
    verifier.sameProcess({ count: 1, initId: 'a' }, { count: 2, initId: 'a' }, record(), 'why');
    const other = raised(() => verifier.sameProcess({ count: 1, initId: 'a' }, { count: 1, initId: 'b' }, record(), 'a new process'));
    expect(other.detail).toMatchObject({ message: 'a new process', expected: 'the same process (initId a)' });
    expect(other.coveredBy).toBe(COVERED.warm);
    const reinit = raised(() => verifier.sameProcess({ count: 1, initId: 'a' }, { count: 2, initId: 'a' }, record({ suppressedInit: true }), 'x', COVERED.warmAfterError));
    expect(reinit.coveredBy).toBe(COVERED.warmAfterError);
  });
  it('timedOut wants Sandbox.Timedout, exited a runtime exit, restarted a suppressed init that succeeded', () => {
    verifier.timedOut(record({ outcome: 'timeout', errorType: 'Sandbox.Timedout' }));
    expect(raised(() => verifier.timedOut(record())).coveredBy).toBe(COVERED.timeoutReinit);
    verifier.exited(record({ outcome: 'runtime-exit' }));
    expect(raised(() => verifier.exited(record())).coveredBy).toBe(COVERED.exitReinit);
    verifier.restarted(record({ suppressedInit: true }), 'the crash', 'lifecycle.exit-reinit');
    expect(raised(() => verifier.restarted(record(), 'the crash', 'lifecycle.exit-reinit')).detail.message).toBe('the runtime did not start again after the crash');
  });
  it('onePostPerId counts the posts of each id', () => {
    const post = (id: string, status: number) => ({ route: 'response', path: `/2018-06-01/runtime/invocation/${id}/response`, status }) as ExchangeRecord;
    verifier.onePostPerId([post('a', 202), post('b', 413)], ['a', 'b']);
    const twice = raised(() => verifier.onePostPerId([post('a', 202), post('a', 403)], ['a']));
    expect(twice.detail.message).toBe('invocation a got 2 result posts');
    expect(raised(() => verifier.onePostPerId([], ['a'])).detail.actual).toBe('none');
  });
});
