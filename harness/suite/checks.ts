/** Small readers over records that several areas use; they know routes and outcomes, not scenarios. */
import type { ExchangeRecord } from '../api/types.ts';
import type { InvocationRecord } from '../invoke/types.ts';

export const isPost = (e: ExchangeRecord) => e.route === 'response' || e.route === 'error';

/** Posts of a result (/response or /error) made for one request id, by path. */
export function resultPosts(exchanges: readonly ExchangeRecord[], requestId: string): ExchangeRecord[] {
  return exchanges.filter((e) => isPost(e) && decodedId(e.path) === requestId);
}

/** The request id in a /runtime/invocation/{id}/… path, decoded. */
export function decodedId(path: string): string | undefined {
  const m = /\/runtime\/invocation\/([^/]*)\/(response|error)$/.exec(path.split('?')[0] ?? '');
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1] as string);
  } catch {
    return m[1];
  }
}

export function describeOutcome(r: InvocationRecord): string {
  const body = r.response.payload.toString('utf8');
  const shown = body.length > 200 ? `${body.slice(0, 200)}…` : body;
  return `${r.outcome}${r.errorType ? ` (${r.errorType})` : ''}: ${shown}`;
}

/** True when the invocation ended because the runtime process died or hung, not by its own answer. */
export function processFailed(r: InvocationRecord): boolean {
  return r.outcome === 'runtime-exit' || r.outcome === 'timeout' || r.outcome === 'init-error' || r.outcome === 'init-timeout';
}

export function routesOf(exchanges: readonly ExchangeRecord[], generation?: number): string {
  return exchanges
    .filter((e) => generation === undefined || e.generation === generation)
    .map((e) => `${e.method} ${e.path} → ${e.status || 'no answer'}`)
    .join('; ');
}

/** Lets requests that are already on the wire arrive (a runtime's duplicate post, say) before judging. */
export const SETTLE_MS = 300;

/** The JSON value of a runtime's bytes, or undefined when they are not JSON (a verdict, not a crash). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
