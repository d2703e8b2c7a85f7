/**
 * The conversation grammar: how a step's request becomes bytes on the wire, and what a well-formed
 * conversation is. The corpus and the fuzzer both speak it, so a fuzz finding is a corpus entry.
 */
import { BootspecError, ErrorCodes } from '../errors.ts';
import type { BodySpec, Conversation, HeaderList, RequestSpec, Step } from './types.ts';

export const RUNTIME_PREFIX = '/2018-06-01';
export const INVOKE_PATH = '/2015-03-31/functions/function/invocations';

/** Values a request is rendered with: the request id the runtime side last received. */
export interface TemplateContext {
  rid: string | undefined;
}

/** A rendered request: its head, and its body as it goes on the wire (already framed). */
export interface WireRequest {
  head: Buffer;
  body: Buffer;
  /** `METHOD path` with the request id replaced by `{rid}`, for reports. */
  requestLine: string;
}

export function fill(text: string, ctx: TemplateContext): string {
  if (!text.includes('{{')) return text;
  const rid = ctx.rid ?? '';
  return text.replaceAll('{{rid:enc}}', encodeURIComponent(rid)).replaceAll('{{rid}}', rid);
}

export function bodyBytes(body: BodySpec | undefined, ctx: TemplateContext): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(fill(body, ctx), 'latin1');
  return Buffer.alloc(body.count * Buffer.byteLength(body.repeat, 'latin1'), body.repeat, 'latin1');
}

/** The request line for reports: the templated request id shown as `{rid}`, no query string. */
export function requestLineOf(method: string, templatePath: string): string {
  return `${method} ${(templatePath.split('?')[0] as string).replace(/\{\{rid(:enc)?\}\}/g, '{rid}')}`;
}

export function renderRequest(spec: RequestSpec, ctx: TemplateContext): WireRequest {
  const path = fill(spec.path, ctx);
  const payload = bodyBytes(spec.body, ctx);
  const framing = spec.framing ?? (spec.body === undefined ? 'none' : 'length');
  const headers: HeaderList = [];
  if (!spec.noHost) headers.push(['Host', '127.0.0.1']);
  for (const [n, v] of spec.headers ?? []) headers.push([n, fill(v, ctx)]);
  let body = payload;
  if (framing === 'length') headers.push(['Content-Length', String(spec.declaredLength ?? payload.length)]);
  if (framing === 'chunked') {
    headers.push(['Transfer-Encoding', 'chunked']);
    body = chunked(payload, spec.chunkSize ?? payload.length, spec.trailers ?? []);
  }
  let head = `${spec.method} ${path} ${spec.version ?? 'HTTP/1.1'}\r\n`;
  for (const [n, v] of headers) head += `${n}: ${v}\r\n`;
  return { head: Buffer.from(`${head}\r\n`, 'latin1'), body, requestLine: requestLineOf(spec.method, spec.path) };
}

function chunked(payload: Buffer, size: number, trailers: HeaderList): Buffer {
  const parts: Buffer[] = [];
  const step = Math.max(1, size);
  for (let at = 0; at < payload.length; at += step) {
    const chunk = payload.subarray(at, at + step);
    parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`, 'latin1'), chunk, Buffer.from('\r\n', 'latin1'));
  }
  let end = '0\r\n';
  for (const [n, v] of trailers) end += `${n}: ${v}\r\n`;
  parts.push(Buffer.from(`${end}\r\n`, 'latin1'));
  return Buffer.concat(parts);
}

/** The caller's invoke request, as a client of the emulator's invoke endpoint sends it. */
export function invokeRequest(step: Extract<Step, { op: 'invoke' }>): RequestSpec {
  const headers: HeaderList = [];
  if (step.requestId !== undefined) headers.push(['X-Amzn-RequestId', step.requestId]);
  headers.push(...(step.headers ?? []));
  return { method: 'POST', path: INVOKE_PATH, headers, body: step.body ?? '{}' };
}

/** A request line for a raw step: its first line, or what it looks like when it has none. */
export function rawRequestLine(bytes: string): string {
  const line = bytes.split('\r\n')[0] ?? '';
  const m = /^(\S+) (\S+)/.exec(line);
  return m ? `${m[1]} ${(m[2] as string).split('?')[0]}` : `raw ${JSON.stringify(line.slice(0, 24))}`;
}

const CONN = /^[a-z][a-z0-9-]{0,15}$/;

/** Checks a conversation read from the corpus; a malformed one names the step and the fix. */
export function validateConversation(c: Conversation, source: string): void {
  const bad = (msg: string, hint: string): never => {
    throw new BootspecError(ErrorCodes.USAGE, `${source}: conversation ${JSON.stringify(c.id)}: ${msg}`, { hint });
  };
  if (typeof c.id !== 'string' || !/^[a-z0-9][a-z0-9.-]*$/.test(c.id)) bad('id must match [a-z0-9][a-z0-9.-]*', 'use a dotted id such as result.unknown-id');
  if (!Array.isArray(c.steps) || c.steps.length === 0) bad('has no steps', 'add at least one step');
  if (c.timeoutS !== undefined && (!Number.isInteger(c.timeoutS) || c.timeoutS < 1 || c.timeoutS > 30)) bad('timeoutS must be a whole number of seconds in 1..30', 'the emulator takes whole seconds');
  const targets = new Map<string, string>();
  c.steps.forEach((s, i) => {
    const at = `step ${i} (${s.op})`;
    if (s.op === 'exit') {
      if (s.code !== undefined && (!Number.isInteger(s.code) || s.code < 0 || s.code > 255)) bad(`${at}: code must be in 0..255`, 'an exit status is one byte');
      return;
    }
    if (!CONN.test(s.conn)) bad(`${at}: connection name ${JSON.stringify(s.conn)} must match ${CONN}`, 'name connections like rt, rt2, inv');
    const to = s.op === 'invoke' ? 'invoke' : s.op === 'request' ? 'runtime' : s.op === 'raw' ? (s.to ?? 'runtime') : targets.get(s.conn);
    if (to === undefined) bad(`${at}: connection ${s.conn} is used before any request opened it`, 'open it with an invoke, request or raw step first');
    const known = targets.get(s.conn);
    if (known !== undefined && known !== to) bad(`${at}: connection ${s.conn} goes to the ${known} endpoint, not the ${to} one`, 'use another connection name');
    targets.set(s.conn, to as string);
    if (s.op === 'request' && (typeof s.request?.method !== 'string' || typeof s.request.path !== 'string')) bad(`${at}: request needs method and path`, 'e.g. {"method":"GET","path":"/2018-06-01/runtime/invocation/next"}');
    if (s.op === 'await' && s.maxMs !== undefined && (s.maxMs < 0 || s.maxMs > 30_000)) bad(`${at}: maxMs must be in 0..30000`, 'waits are bounded');
  });
}

/** Shorthands the corpus and the fuzzer use. */
export const R = {
  next: (): RequestSpec => ({ method: 'GET', path: `${RUNTIME_PREFIX}/runtime/invocation/next` }),
  response: (body: BodySpec = '"ok"', id = '{{rid:enc}}', headers: HeaderList = []): RequestSpec => ({
    method: 'POST',
    path: `${RUNTIME_PREFIX}/runtime/invocation/${id}/response`,
    headers,
    body,
  }),
  error: (body: BodySpec = '{"errorMessage":"boom","errorType":"Handled"}', id = '{{rid:enc}}', headers: HeaderList = []): RequestSpec => ({
    method: 'POST',
    path: `${RUNTIME_PREFIX}/runtime/invocation/${id}/error`,
    headers,
    body,
  }),
  initError: (body: BodySpec = '{"errorMessage":"bad init","errorType":"Runtime.InitError"}', headers: HeaderList = []): RequestSpec => ({
    method: 'POST',
    path: `${RUNTIME_PREFIX}/runtime/init/error`,
    headers,
    body,
  }),
};
