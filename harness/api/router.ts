/**
 * Route matching for the Runtime API paths. Unknown path → 404, wrong method → 405.
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
 */

export type Route =
  | { name: 'next' }
  | { name: 'response' | 'error'; requestId: string }
  | { name: 'init-error' }
  | { name: 'restore-next' | 'restore-error' }
  | { name: 'ping' }
  | { name: 'extension-register' | 'extension-next' | 'extension-init-error' | 'extension-exit-error' }
  | { name: 'telemetry-subscribe' | 'logs-subscribe' }
  | { name: 'method-not-allowed'; allow: string }
  | { name: 'not-found' };

const PREFIX = '/2018-06-01';
const INVOCATION = '/runtime/invocation/';
const NEXT: Route = Object.freeze({ name: 'next' });

/** `restore`: SnapStart's restore paths are routed (otherwise they are unknown, as in every other mode). */
export function matchRoute(method: string, url: string, restore = false): Route {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (path.startsWith(`${EXTENSION_PREFIX}/`)) return matchExtensionRoute(method, path.slice(EXTENSION_PREFIX.length));
  if (path === '/2022-07-01/telemetry') return method === 'PUT' ? { name: 'telemetry-subscribe' } : notAllowed('PUT');
  if (path === '/2020-08-15/logs') return method === 'PUT' ? { name: 'logs-subscribe' } : notAllowed('PUT');
  if (!path.startsWith(`${PREFIX}/`)) return { name: 'not-found' };
  const rest = path.slice(PREFIX.length);
  if (rest === '/runtime/invocation/next') return method === 'GET' ? NEXT : notAllowed('GET');
  if (rest === '/runtime/init/error') return method === 'POST' ? { name: 'init-error' } : notAllowed('POST');
  if (rest === '/ping') return method === 'GET' ? { name: 'ping' } : notAllowed('GET');
  if (restore && rest === '/runtime/restore/next') return method === 'GET' ? { name: 'restore-next' } : notAllowed('GET');
  if (restore && rest === '/runtime/restore/error') return method === 'POST' ? { name: 'restore-error' } : notAllowed('POST');
  // /runtime/invocation/{id}/response|error: the id is one path segment, percent-decoded.
  if (rest.startsWith(INVOCATION)) {
    const slash = rest.indexOf('/', INVOCATION.length);
    const last = slash === -1 ? '' : rest.slice(slash + 1);
    if (last === 'response' || last === 'error') {
      if (method !== 'POST') return notAllowed('POST');
      const id = rest.slice(INVOCATION.length, slash);
      return { name: last, requestId: id.includes('%') ? decodeSegment(id) : id };
    }
  }
  return { name: 'not-found' };
}

/** The Extensions API (2020-01-01), served on the same endpoint as the Runtime API. */
function matchExtensionRoute(method: string, rest: string): Route {
  const route = EXTENSION_ROUTES[rest];
  if (route === undefined) return { name: 'not-found' };
  return method === route.method ? { name: route.name } : notAllowed(route.method);
}

const EXTENSION_PREFIX = '/2020-01-01';
const EXTENSION_ROUTES: Record<string, { method: string; name: Extract<Route, { name: `extension-${string}` }>['name'] }> = {
  '/extension/register': { method: 'POST', name: 'extension-register' },
  '/extension/event/next': { method: 'GET', name: 'extension-next' },
  '/extension/init/error': { method: 'POST', name: 'extension-init-error' },
  '/extension/exit/error': { method: 'POST', name: 'extension-exit-error' },
};

function notAllowed(allow: string): Route {
  return { name: 'method-not-allowed', allow };
}

/**
 * The id fully percent-decoded. RAPID's router (chi) compares the raw segment unless it is Go's own
 * escaping, so `encodeURIComponent`'s %2B or %40 would not match there; bootspec decodes them on
 * purpose (deliberate divergence `router.id-fully-decoded`, harness/fidelity/deliberate.json).
 */
function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // a malformed escape, or bytes that are not UTF-8: an id that matches nothing
  }
}
