/** Which Runtime API routes a managed-instances environment answers its own way. */
import type { Route } from '../router.ts';
import type { RuntimeApiState, RuntimeExchange } from '../types.ts';
import type { ManagedRouter } from './router.ts';

/** Answers `route` in managed-instances mode; false for the routes both modes share. */
export function dispatchManaged(router: ManagedRouter, api: RuntimeApiState, ex: RuntimeExchange, route: Route): boolean {
  switch (route.name) {
    case 'next':
      router.next(api, ex);
      return true;
    case 'response':
    case 'error':
      router.result(api, ex, route.name, route.requestId);
      return true;
    case 'init-error':
      router.initError(api, ex);
      return true;
    default:
      return false;
  }
}
