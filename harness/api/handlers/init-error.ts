import { now } from '../../clock.ts';
import { MAX_PAYLOAD_SIZE, internalServerError, invalidStateTransition, requestEntityTooLarge } from '../errors.ts';
import { ACCEPTED, type Exchange } from '../exchange.ts';
import type { RuntimeApi } from '../runtime-api.ts';

/**
 * POST /runtime/init/error (SPEC.md §1.6): allowed only while the runtime is Started (before its
 * first /next); afterwards, or a second time, 403.
 */
export async function handleInitError(api: RuntimeApi, ex: Exchange): Promise<void> {
  const generation = api.generation;
  const body = await ex.req.readBody(MAX_PAYLOAD_SIZE);
  ex.noteRequestBody(body.kind === 'ok' ? body.body : undefined, body.size);
  if (generation !== api.generation) {
    ex.res.destroy();
    return;
  }
  if (api.takeFault('init-error')) return ex.sendJson(500, internalServerError());

  const t = api.machine.apply('InitError');
  if (!t.ok) return ex.sendJson(403, invalidStateTransition(t.from, 'InitError'));
  if (body.kind === 'too-large') ex.sendJson(413, requestEntityTooLarge());
  else ex.sendJson(202, ACCEPTED);
  api.resolveInit({
    kind: 'init-error',
    report: {
      payload: body.kind === 'ok' ? body.body : Buffer.alloc(0),
      contentType: ex.req.headers['content-type'],
      errorTypeHeader: ex.req.headers['lambda-runtime-function-error-type'],
      at: now(),
    },
  });
}
