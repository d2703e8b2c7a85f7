/** Route matching for the Runtime API paths (SPEC.md §1.1, §1.2). Unknown path → 404, wrong method → 405. */

export type Route =
  | { name: 'next' }
  | { name: 'response' | 'error'; requestId: string }
  | { name: 'init-error' }
  | { name: 'ping' }
  | { name: 'method-not-allowed'; allow: string }
  | { name: 'not-found' };

const PREFIX = '/2018-06-01';

export function matchRoute(method: string, url: string): Route {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (!path.startsWith(`${PREFIX}/`)) return { name: 'not-found' };
  const rest = path.slice(PREFIX.length);
  if (rest === '/runtime/invocation/next') return method === 'GET' ? { name: 'next' } : notAllowed('GET');
  if (rest === '/runtime/init/error') return method === 'POST' ? { name: 'init-error' } : notAllowed('POST');
  if (rest === '/ping') return method === 'GET' ? { name: 'ping' } : notAllowed('GET');
  // /runtime/invocation/{id}/response|error: the id is one path segment, percent-decoded.
  const m = /^\/runtime\/invocation\/([^/]*)\/(response|error)$/.exec(rest);
  if (m) {
    if (method !== 'POST') return notAllowed('POST');
    return { name: m[2] as 'response' | 'error', requestId: decodeSegment(m[1] as string) };
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
