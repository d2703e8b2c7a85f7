import { now } from '../../clock.ts';
import { MAX_PAYLOAD_SIZE, internalServerError, invalidStateTransition, requestEntityTooLarge } from '../errors.ts';
import { ACCEPTED } from '../exchange.ts';
import type { RuntimeApiState, RuntimeExchange } from '../types.ts';

/**
 * POST /runtime/init/error: allowed only while the runtime is Started (before its first /next);
 * afterwards, or a second time, 403.
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html#runtimes-api-initerror
 */
export async function handleInitError(api: RuntimeApiState, ex: RuntimeExchange): Promise<void> {
  const generation = api.generation;
  const body = await ex.req.readBody(MAX_PAYLOAD_SIZE);
  ex.noteRequestBody(body.kind === 'ok' ? body.body : undefined, body.size);
  // The environment was reset while the body was being read: the process that sent it is gone.
  if (generation !== api.generation) {
    ex.res.destroy();
    return;
  }
  if (api.takeFault('init-error')) return ex.sendJson(500, internalServerError());

  const t = api.transition('InitError');
  if (!t.ok) return ex.sendJson(403, invalidStateTransition(t.from, 'InitError'));
  if (body.kind === 'too-large') ex.sendJson(413, requestEntityTooLarge());
  else ex.sendJson(202, ACCEPTED);
  api.endInit({
    kind: 'init-error',
    report: {
      payload: body.kind === 'ok' ? body.body : Buffer.alloc(0),
      contentType: ex.req.headers['content-type'],
      errorTypeHeader: ex.req.headers['lambda-runtime-function-error-type'],
      at: now(),
    },
  });
}
