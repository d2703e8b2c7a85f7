import type { Route } from '../router.ts';
import type { RuntimeApiState, RuntimeExchange } from '../types.ts';

/** A path the API does not serve (404) or a method it does not take there (405), counted for scenarios. */
export function handleUnrouted(api: RuntimeApiState, ex: RuntimeExchange, route: Extract<Route, { name: 'method-not-allowed' | 'not-found' }>): void {
  api.observe('unknownRoutes');
  if (route.name === 'method-not-allowed') return ex.send(405, ['Allow', route.allow], '');
  // Go's http.NotFound, which RAPID's router uses.
  ex.send(404, ['Content-Type', 'text/plain; charset=utf-8', 'X-Content-Type-Options', 'nosniff'], '404 page not found\n');
}
