import { describe, expect, it } from 'vitest';
import { handleNext } from '../../../harness/api/handlers/next.ts';
import { exchange, FakeApiState, FakeInvocation, FakeRequest } from './fakes.ts';

const NEXT = '/2018-06-01/runtime/invocation/next';
const next = (api: FakeApiState) => {
  const { ex, res } = exchange(api, new FakeRequest('GET', NEXT), 'next');
  handleNext(api, ex);
  return { ex, res };
};

describe('handleNext alone', () => {
  it('ends init on the first call and parks it: no event yet, no answer', () => {
    const api = FakeApiState.in('Started');
    const { ex, res } = next(api);
    expect(api.state).toBe('Ready');
    expect(api.initOutcome?.kind).toBe('ready');
    expect(api.parkedExchanges).toEqual([ex]);
    expect(res.answered).toBe(false);
    expect(api.observed).toEqual({});
  });

  it('takes an event that is waiting at once, without parking', () => {
    const api = FakeApiState.in('Ready');
    api.inflight = new FakeInvocation();
    const { ex } = next(api);
    expect(api.deliveredTo).toEqual([ex]);
    expect(api.calls).not.toContain('park');
  });

  it('parks when the waiting event was already delivered (it is the runtime\'s, not this call\'s)', () => {
    const api = FakeApiState.in('Ready');
    api.inflight = new FakeInvocation();
    api.inflight.deliveries = 1;
    next(api);
    expect(api.calls).toEqual(['transition:Ready', 'park']);
  });

  it('re-delivers the event in flight when called before a result (RAPID), and counts it', () => {
    const api = FakeApiState.in('Running');
    const { ex } = next(api);
    expect(api.state).toBe('Running');
    expect(api.deliveredTo).toEqual([ex]);
    expect(api.observed).toEqual({ nextBeforeResult: 1 });
    expect(api.parkedExchanges).toHaveLength(0);
  });

  it('ends the previous invocation when called after its result', () => {
    const api = FakeApiState.in('RuntimeResponseSentState');
    next(api);
    expect(api.calls).toEqual(['transition:Ready', 'invocationEnded', 'park']);
    expect(api.initOutcome).toBeUndefined();
  });

  it('counts a /next that overlaps one already parked, and parks both', () => {
    const api = FakeApiState.in('Started');
    next(api);
    next(api);
    expect(api.observed).toEqual({ overlappingNext: 1 });
    expect(api.parkedCount).toBe(2);
  });

  it('lets go of a parked /next whose client left, and counts it', () => {
    const api = FakeApiState.in('Started');
    const { res } = next(api);
    res.abandon();
    expect(api.parkedCount).toBe(0);
    expect(api.observed).toEqual({ abortedNext: 1 });
  });

  it('answers 403 with RAPID\'s message after an init error, and changes nothing', () => {
    const api = FakeApiState.in('InitError');
    const { res } = next(api);
    expect(res.statusCode).toBe(403);
    expect(res.json).toEqual({
      errorMessage: 'State transition from InitError to Ready failed for runtime. Error: State transition is not allowed',
      errorType: 'InvalidStateTransition',
    });
    expect(api.state).toBe('InitError');
    expect(api.calls).toEqual(['transition:Ready']);
  });

  it('answers an injected fault with 500 before any transition', () => {
    const api = FakeApiState.in('Started');
    api.faults.add('next');
    const { res } = next(api);
    expect(res.statusCode).toBe(500);
    expect(res.json).toEqual({ errorMessage: 'Internal Server Error', errorType: 'InternalServerError' });
    expect(api.state).toBe('Started');
    expect(api.calls).toEqual([]);
  });
});
