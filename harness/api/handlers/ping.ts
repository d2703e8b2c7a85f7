import type { RuntimeExchange } from '../types.ts';

/** GET /ping: a liveness check of the API itself, answered in any state and recorded like the rest. */
export function handlePing(ex: RuntimeExchange): void {
  ex.send(200, ['Content-Type', 'text/plain; charset=utf-8'], 'pong');
}
