import { describe, expect, it } from 'vitest';
import { handleExtensionNext } from '../../../harness/api/handlers/extension-next.ts';
import type { ExtensionRegistry } from '../../../harness/api/extensions/registry.ts';
import { invocation } from '../helpers.ts';
import { extensionExchange, header, ID_PATTERN, registry } from './extension-fakes.ts';

const PATH = '/2020-01-01/extension/event/next';

function next(reg: ExtensionRegistry, id: string | undefined) {
  const { ex, res } = extensionExchange('GET', PATH, id === undefined ? {} : { 'lambda-extension-identifier': id });
  handleExtensionNext(reg, ex);
  return res;
}

function registered(events: string[], externals = ['ext']): { reg: ExtensionRegistry; id: string } {
  const reg = registry(externals);
  const r = reg.register('ext', events);
  if (!r.ok) throw new Error(r.errorMessage);
  return { reg, id: r.id };
}

describe('handleExtensionNext alone', () => {
  it('parks until an INVOKE comes, then answers with the event and an event identifier', () => {
    const { reg, id } = registered(['INVOKE']);
    const res = next(reg, id);
    expect(res.answered).toBe(false);
    expect(reg.allReady).toBe(true);
    const request = invocation({ requestId: 'r-1', traceId: 'Root=1-2-3', deadlineMs: 1_700_000_000_000 });
    reg.dispatchInvoke(request);
    expect(res.statusCode).toBe(200);
    expect(res.json).toEqual({ eventType: 'INVOKE', deadlineMs: 1_700_000_000_000, requestId: 'r-1', invokedFunctionArn: request.functionArn, tracing: { type: 'X-Amzn-Trace-Id', value: 'Root=1-2-3' } });
    expect(header(res, 'Lambda-Extension-Event-Identifier')).toMatch(ID_PATTERN);
    expect(reg.allReady).toBe(false);
    next(reg, id);
    expect(reg.allReady).toBe(true);
  });

  it('hands a queued event over at once, and delivers SHUTDOWN with its reason', () => {
    const { reg, id } = registered(['INVOKE', 'SHUTDOWN']);
    expect(reg.dispatchShutdown('timeout', 1234.9)).toBe(1);
    expect(next(reg, id).json).toEqual({ eventType: 'SHUTDOWN', deadlineMs: 1234, shutdownReason: 'timeout' });
  });

  it('gives no INVOKE to an extension that did not subscribe to it', () => {
    const { reg, id } = registered([]);
    const res = next(reg, id);
    reg.dispatchInvoke(invocation({ requestId: 'r-1' }));
    expect(res.answered).toBe(false);
    expect(reg.allReady).toBe(true);
  });

  it('answers 403 to a missing, malformed or unknown identifier, and to a second parked call', () => {
    const { reg, id } = registered(['INVOKE']);
    expect(next(reg, undefined).json).toEqual({ errorMessage: 'Missing Lambda-Extension-Identifier header', errorType: 'Extension.MissingExtensionIdentifier' });
    expect(next(reg, 'not-a-uuid').json).toEqual({ errorMessage: 'Invalid Lambda-Extension-Identifier', errorType: 'Extension.InvalidExtensionIdentifier' });
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect(next(reg, unknown).json).toEqual({ errorMessage: `Unknown extension ${unknown}`, errorType: 'Extension.UnknownExtensionIdentifier' });
    next(reg, id);
    const again = next(reg, id);
    expect(again.statusCode).toBe(403);
    expect(again.json).toEqual({
      errorMessage: `State transition from Ready to Ready failed for extension ${id}. Error: State transition is not allowed`,
      errorType: 'Extension.InvalidExtensionState',
    });
  });

  it('forgets a parked call whose client left, so the event waits for the next one', () => {
    const { reg, id } = registered(['INVOKE']);
    const res = next(reg, id);
    res.abandon();
    reg.dispatchInvoke(invocation({ requestId: 'r-2' }));
    expect(res.answered).toBe(false);
  });
});
