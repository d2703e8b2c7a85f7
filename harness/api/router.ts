/** Route matching for the Runtime API paths (SPEC.md §1.1, §1.2). Unknown path → 404, wrong method → 405. */

export type Route =
  | { name: 'next' }
  | { name: 'response' | 'error'; requestId: string }
  | { name: 'init-error' }
  | { name: 'ping' }
  | { name: 'method-not-allowed'; allow: string }
  | { name: 'not-found' };

const PREFIX = '/2018-06-01';
const INVOCATION = '/runtime/invocation/';
const NEXT: Route = Object.freeze({ name: 'next' });

export function matchRoute(method: string, url: string): Route {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (!path.startsWith(`${PREFIX}/`)) return { name: 'not-found' };
  const rest = path.slice(PREFIX.length);
  if (rest === '/runtime/invocation/next') return method === 'GET' ? NEXT : notAllowed('GET');
  if (rest === '/runtime/init/error') return method === 'POST' ? { name: 'init-error' } : notAllowed('POST');
  if (rest === '/ping') return method === 'GET' ? { name: 'ping' } : notAllowed('GET');
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

function notAllowed(allow: string): Route {
  return { name: 'method-not-allowed', allow };
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // a malformed escape is an id that matches nothing
  }
}
