import { now } from '../../clock.ts';
import { internalServerError, invalidStateTransition } from '../errors.ts';
import type { RuntimeApiState, RuntimeExchange } from '../types.ts';

/**
 * GET /runtime/invocation/next: a long-poll with no server-side timeout. The first call ends init;
 * later calls end the previous invocation. A call while an event is in flight with no result posted
 * gets the same event again, as in RAPID.
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html#runtimes-api-next
 */
export function handleNext(api: RuntimeApiState, ex: RuntimeExchange): void {
  if (api.takeFault('next')) return ex.sendJson(500, internalServerError());
  const t = api.transition('Ready');
  if (!t.ok) return ex.sendJson(403, invalidStateTransition(t.from, 'Ready'));

  if (t.from === 'Started') api.endInit({ kind: 'ready', at: now() });
  // SnapStart: the first /next after restore/next ends the restore phase (api/restore.ts).
  if (t.from === 'Restoring') api.restoreGate?.end({ kind: 'ready', at: now() });
  if (t.from === 'RuntimeResponseSentState') api.invocationEnded();
  if (t.from === 'Running') {
    api.observe('nextBeforeResult');
    return api.deliver(ex);
  }
  if (api.parkedCount > 0) api.observe('overlappingNext');
  if (api.hasUndelivered()) return api.deliver(ex);

  api.park(ex);
  ex.res.onAbandoned(() => {
    api.unpark(ex);
    api.observe('abortedNext');
  });
}
