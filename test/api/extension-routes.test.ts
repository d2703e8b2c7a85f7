import { describe, expect, it } from 'vitest';
import { matchRoute } from '../../harness/api/router.ts';

describe('routes of the Extensions, Telemetry and Logs APIs', () => {
  it('matches each endpoint with its method, and answers 405 with the right Allow otherwise', () => {
    expect(matchRoute('POST', '/2020-01-01/extension/register')).toEqual({ name: 'extension-register' });
    expect(matchRoute('GET', '/2020-01-01/extension/event/next?x=1')).toEqual({ name: 'extension-next' });
    expect(matchRoute('POST', '/2020-01-01/extension/init/error')).toEqual({ name: 'extension-init-error' });
    expect(matchRoute('POST', '/2020-01-01/extension/exit/error')).toEqual({ name: 'extension-exit-error' });
    expect(matchRoute('PUT', '/2022-07-01/telemetry')).toEqual({ name: 'telemetry-subscribe' });
    expect(matchRoute('PUT', '/2020-08-15/logs')).toEqual({ name: 'logs-subscribe' });
    expect(matchRoute('GET', '/2020-01-01/extension/register')).toEqual({ name: 'method-not-allowed', allow: 'POST' });
    expect(matchRoute('POST', '/2020-01-01/extension/event/next')).toEqual({ name: 'method-not-allowed', allow: 'GET' });
    expect(matchRoute('GET', '/2022-07-01/telemetry')).toEqual({ name: 'method-not-allowed', allow: 'PUT' });
  });

  it('knows no other path under the extension prefix', () => {
    expect(matchRoute('POST', '/2020-01-01/extension/registerx')).toEqual({ name: 'not-found' });
    expect(matchRoute('GET', '/2020-01-01/extension/constructor')).toEqual({ name: 'not-found' });
    expect(matchRoute('GET', '/2020-01-01/runtime/invocation/next')).toEqual({ name: 'not-found' });
  });
});
