import { now } from '../../clock.ts';
import { internalServerError, invalidStateTransition } from '../errors.ts';
import type { Exchange } from '../exchange.ts';
import type { RuntimeApi } from '../runtime-api.ts';

/**
 * GET /runtime/invocation/next (SPEC.md §1.3): a long-poll with no server-side timeout. The first
 * call ends init; later calls end the previous invocation. A call while an event is in flight with no
 * result posted gets the same event again, as in RAPID.
 */
export function handleNext(api: RuntimeApi, ex: Exchange): void {
  if (api.takeFault('next')) return ex.sendJson(500, internalServerError());
  const t = api.machine.apply('Ready');
  if (!t.ok) return ex.sendJson(403, invalidStateTransition(t.from, 'Ready'));

  if (t.from === 'Started') api.resolveInit({ kind: 'ready', at: now() });
  if (t.from === 'RuntimeResponseSentState') api.invocationEnded();
  if (t.from === 'Running') {
    api.observations.nextBeforeResult += 1;
    return api.deliver(ex);
  }
  if (api.parked.length > 0) api.observations.overlappingNext += 1;
  if (api.inflight && !api.inflight.settled && api.inflight.deliveries === 0) return api.deliver(ex);

  api.parked.push(ex);
  ex.res.onAbandoned(() => {
    const i = api.parked.indexOf(ex);
    if (i !== -1) api.parked.splice(i, 1);
    api.observations.abortedNext += 1;
  });
}
