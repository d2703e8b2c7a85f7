import { describe, expect, it } from 'vitest';
import { handleUnrouted } from '../../../harness/api/handlers/unrouted.ts';
import { exchange, FakeApiState, FakeRequest } from './fakes.ts';

describe('handleUnrouted alone', () => {
  it('answers an unknown path with Go\'s 404 page, and counts it', () => {
    const api = FakeApiState.in('Started');
    const { ex, res } = exchange(api, new FakeRequest('GET', '/2018-06-01/runtime/nope'), 'not-found');
    handleUnrouted(api, ex, { name: 'not-found' });
    expect(res.statusCode).toBe(404);
    expect(res.headers).toEqual(['Content-Type', 'text/plain; charset=utf-8', 'X-Content-Type-Options', 'nosniff']);
    expect(res.body).toBe('404 page not found\n');
    expect(api.observed).toEqual({ unknownRoutes: 1 });
    expect(api.calls).toEqual([]);
  });

  it('answers a wrong method with 405 and the Allow header, and counts it', () => {
    const api = FakeApiState.in('Started');
    const { ex, res } = exchange(api, new FakeRequest('POST', '/2018-06-01/runtime/invocation/next'), 'method-not-allowed');
    handleUnrouted(api, ex, { name: 'method-not-allowed', allow: 'GET' });
    expect(res.statusCode).toBe(405);
    expect(res.headers).toEqual(['Allow', 'GET']);
    expect(res.body).toBe('');
    expect(api.observed).toEqual({ unknownRoutes: 1 });
  });
});
