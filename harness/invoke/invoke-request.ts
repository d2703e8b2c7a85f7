/**
 * What the Invoke API checks on a request before it runs anything, shared by the buffered endpoint
 * (RIE-compatible and the control plane's Invoke) and the response-streaming one.
 */
import type { BodyResult, Http1Request } from '../api/http1/types.ts';
import type { InvocationRecord } from './types.ts';

/** The Invoke API's request limit for synchronous invokes (6 MB). */
export const MAX_REQUEST_PAYLOAD = 6 * 1024 * 1024;
/** Lambda returns at most the last 4 KB of logs in X-Amz-Log-Result. */
const LOG_TAIL_BYTES = 4096;

export type CheckedInvokeRequest =
  /** The caller cut the body off: there is nobody to answer. */
  | { kind: 'drop' }
  | { kind: 'refused'; status: 400 | 413; type: 'RequestTooLargeException' | 'InvalidRequestContentException'; message: string }
  | { kind: 'ok'; event: Buffer; clientContext: string | null; tenantId: string | null; invocationType: string };

export function checkInvokeRequest(req: Http1Request, body: BodyResult): CheckedInvokeRequest {
  if (body.kind === 'truncated') return { kind: 'drop' };
  if (body.kind === 'too-large') {
    return { kind: 'refused', status: 413, type: 'RequestTooLargeException', message: `Request must be smaller than ${MAX_REQUEST_PAYLOAD} bytes for the InvokeFunction operation` };
  }
  const clientContext = decodeClientContext(req.headers['x-amz-client-context']);
  if (clientContext instanceof Error) return { kind: 'refused', status: 400, type: 'InvalidRequestContentException', message: clientContext.message };
  // A tenant-isolated function's caller names the tenant; the runtime gets it on /next (docs/requirements.md#context.tenant-id).
  const tenantId = req.headers['x-amz-tenant-id'] || null;
  return { kind: 'ok', event: body.body, clientContext, tenantId, invocationType: req.headers['x-amz-invocation-type'] ?? 'RequestResponse' };
}

/** X-Amz-Client-Context is base64 of a JSON object; the runtime gets the decoded JSON (docs/requirements.md#next). */
export function decodeClientContext(value: string | undefined): string | null | Error {
  if (value === undefined || value === '') return null;
  const text = Buffer.from(value, 'base64').toString('utf8');
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return text;
  } catch {
    return new Error('Client context must be a valid Base64-encoded JSON object.');
  }
}

/** The last 4 KB of an invocation's log lines, base64, as X-Amz-Log-Result carries them. */
export function logTail(r: InvocationRecord): string {
  const text = r.logs.map((l) => `${l.text}\n`).join('');
  const buf = Buffer.from(text, 'utf8');
  return buf.subarray(Math.max(0, buf.length - LOG_TAIL_BYTES)).toString('base64');
}
