/**
 * What is compared of an answer: values that differ by nature between two servers (request ids they
 * generate, dates, deadlines, ARNs, trace ids) become placeholders; framing headers go, the decoded
 * body stays (chunked and Content-Length framings of the same bytes are the same answer).
 */
import { createHash } from 'node:crypto';
import type { Answer } from './types.ts';

export interface NormalAnswer {
  key: string;
  conn: string;
  target: Answer['target'];
  requestLine: string;
  status: string;
  reason: string;
  /** Lower-case names; repeated fields joined with ", " in arrival order. */
  headers: Record<string, string>;
  body: string;
  timing: string;
  afterStep: number;
}

/** Framing and transport fields, compared through the body and the connection's fate instead. */
const DROPPED = new Set(['date', 'content-length', 'transfer-encoding']);
/** Bodies longer than this are compared by size and digest. */
const BODY_TEXT_LIMIT = 2048;

const PATTERNS: [RegExp, string][] = [
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/Root=1-[0-9a-f]{8}-[0-9a-f]{24}(;[A-Za-z]+=[^;\s"]*)*/g, '<trace-id>'],
  [/arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_$:.-]+/g, '<function-arn>'],
  [/\b1\d{12}\b/g, '<epoch-ms>'],
  [/\b\d+\.\d{2} ms\b/g, '<ms>'],
];

export function normaliseText(text: string): string {
  let out = text;
  for (const [re, to] of PATTERNS) out = out.replace(re, to);
  return out;
}

export function normaliseBody(body: Buffer): string {
  if (body.length > BODY_TEXT_LIMIT) {
    return `<${body.length} bytes sha256:${createHash('sha256').update(body).digest('hex').slice(0, 16)}>`;
  }
  const text = body.toString('latin1');
  return normaliseText(sortedJson(text) ?? text);
}

/** A JSON object body with its keys sorted (key order means nothing to a reader of JSON); the trailing newline kept. */
function sortedJson(text: string): string | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const sorted = Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));
    return JSON.stringify(sorted) + (text.endsWith('\n') ? '\n' : '');
  } catch {
    return undefined;
  }
}

export function normaliseAnswer(a: Answer): NormalAnswer {
  const headers: Record<string, string> = {};
  for (const [name, value] of a.headers) {
    const n = name.toLowerCase();
    if (DROPPED.has(n)) continue;
    const v = normaliseText(value);
    headers[n] = headers[n] === undefined ? v : `${headers[n]}, ${v}`;
  }
  const interim = a.status >= 100 && a.status < 200;
  return {
    key: `${a.conn}#${a.request}${interim ? `:${a.status}` : ''}`,
    conn: a.conn,
    target: a.target,
    requestLine: a.requestLine,
    status: String(a.status),
    reason: a.reason,
    headers,
    body: normaliseBody(a.body),
    timing: `${a.timing} (step ${a.afterStep})`,
    afterStep: a.afterStep,
  };
}
