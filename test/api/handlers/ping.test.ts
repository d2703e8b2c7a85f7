import { describe, expect, it } from 'vitest';
import { handlePing } from '../../../harness/api/handlers/ping.ts';
import { exchange, FakeApiState, FakeRequest } from './fakes.ts';

describe('handlePing alone', () => {
  it.each(['Started', 'Running', 'InitError'] as const)('answers 200 pong in state %s, touching no state', (state) => {
    const api = FakeApiState.in(state);
    const { ex, res } = exchange(api, new FakeRequest('GET', '/2018-06-01/ping'), 'ping');
    handlePing(ex);
    expect(res.statusCode).toBe(200);
    expect(res.headers).toEqual(['Content-Type', 'text/plain; charset=utf-8']);
    expect(res.body).toBe('pong');
    expect(api.state).toBe(state);
    expect(api.calls).toEqual([]);
  });
});
