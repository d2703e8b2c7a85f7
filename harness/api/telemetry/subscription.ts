/**
 * Validates a subscription request of the Telemetry API (PUT /2022-07-01/telemetry) or the Logs API
 * (PUT /2020-08-15/logs): schema version, types, buffering ranges and an HTTP destination. The
 * ranges are the documented ones:
 * https://docs.aws.amazon.com/lambda/latest/dg/telemetry-api-reference.html
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-logs-api.html#runtimes-logs-api-buffering
 * bootspec delivers to loopback only (it never sends a byte elsewhere): the destination host must be
 * `sandbox.localdomain` (what Lambda documents), `localhost` or `127.0.0.1`, all delivered to
 * 127.0.0.1. TCP destinations are refused as not supported by bootspec.
 */
import type { SubscriptionRequest, TelemetryApiKind, TelemetryBuffering, TelemetryStream } from './types.ts';

export const SCHEMA_VERSIONS: Record<TelemetryApiKind, readonly string[]> = {
  telemetry: ['2022-07-01', '2022-12-13', '2025-01-29'],
  logs: ['2020-08-15', '2021-03-18'],
};

interface Range {
  min: number;
  max: number;
  default: number;
}

/** Documented buffering ranges (the Logs API keeps up to 10,000 items by default). */
export const BUFFERING: Record<TelemetryApiKind, Record<keyof TelemetryBuffering, Range>> = {
  telemetry: {
    maxItems: { min: 1_000, max: 10_000, default: 1_000 },
    maxBytes: { min: 262_144, max: 1_048_576, default: 262_144 },
    timeoutMs: { min: 25, max: 30_000, default: 1_000 },
  },
  logs: {
    maxItems: { min: 1_000, max: 10_000, default: 10_000 },
    maxBytes: { min: 262_144, max: 1_048_576, default: 262_144 },
    timeoutMs: { min: 25, max: 30_000, default: 1_000 },
  },
};

const STREAMS: readonly TelemetryStream[] = ['platform', 'function', 'extension'];
const LOOPBACK_HOSTS = new Set(['sandbox.localdomain', 'localhost', '127.0.0.1']);
/** Lambda reserves the Runtime API's port. */
const RESERVED_PORT = 9001;

export type ParsedSubscription = { ok: true; value: SubscriptionRequest } | { ok: false; errorMessage: string };

/** Every problem of the request, joined with `; ` (as the documented example answer does). */
export function parseSubscription(api: TelemetryApiKind, raw: Buffer): ParsedSubscription {
  let v: unknown;
  try {
    v = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    return { ok: false, errorMessage: `the body is not JSON: ${(err as Error).message}` };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { ok: false, errorMessage: 'the body must be a JSON object' };
  const o = v as Record<string, unknown>;
  const problems: string[] = [];

  const schemaVersion = readSchemaVersion(api, o.schemaVersion, problems);
  const types = readTypes(o.types, problems);
  const buffering = readBuffering(api, o.buffering, problems);
  const destination = readDestination(o.destination, problems);
  if (problems.length > 0 || !destination) return { ok: false, errorMessage: problems.join('; ') };
  return { ok: true, value: { api, schemaVersion, types, buffering, ...destination } };
}

function readSchemaVersion(api: TelemetryApiKind, v: unknown, problems: string[]): string {
  const allowed = SCHEMA_VERSIONS[api];
  // The Logs API documents schemaVersion as optional (default 2020-08-15); the Telemetry API requires it.
  if (v === undefined && api === 'logs') return '2020-08-15';
  if (typeof v !== 'string' || !allowed.includes(v)) {
    problems.push(`schemaVersion must be one of ${allowed.map((s) => `"${s}"`).join(', ')}`);
    return '';
  }
  return v;
}

function readTypes(v: unknown, problems: string[]): TelemetryStream[] {
  if (!Array.isArray(v) || v.length === 0) {
    problems.push('types should not be empty (a list of "platform", "function", "extension")');
    return [];
  }
  const bad = v.filter((t) => typeof t !== 'string' || !STREAMS.includes(t as TelemetryStream));
  if (bad.length > 0) problems.push(`types has unknown values ${JSON.stringify(bad)} (allowed: "platform", "function", "extension")`);
  return [...new Set(v.filter((t): t is TelemetryStream => STREAMS.includes(t as TelemetryStream)))];
}

function readBuffering(api: TelemetryApiKind, v: unknown, problems: string[]): TelemetryBuffering {
  const ranges = BUFFERING[api];
  const out: TelemetryBuffering = { maxItems: ranges.maxItems.default, maxBytes: ranges.maxBytes.default, timeoutMs: ranges.timeoutMs.default };
  if (v === undefined || v === null) return out;
  if (typeof v !== 'object' || Array.isArray(v)) {
    problems.push('buffering must be an object');
    return out;
  }
  const b = v as Record<string, unknown>;
  for (const key of ['maxItems', 'maxBytes', 'timeoutMs'] as const) {
    const x = b[key];
    if (x === undefined) continue;
    const r = ranges[key];
    if (typeof x !== 'number' || !Number.isInteger(x) || x < r.min || x > r.max) {
      problems.push(`buffering.${key} must be an integer from ${r.min} to ${r.max}`);
      continue;
    }
    out[key] = x;
  }
  return out;
}

function readDestination(v: unknown, problems: string[]): { uri: string; port: number; path: string } | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    problems.push('destination is required: {"protocol": "HTTP", "URI": "http://sandbox.localdomain:<port>/<path>"}');
    return undefined;
  }
  const d = v as Record<string, unknown>;
  if (d.protocol === 'TCP') {
    problems.push('destination.protocol "TCP" is not supported by bootspec; subscribe with "HTTP"');
    return undefined;
  }
  if (d.protocol !== 'HTTP') {
    problems.push('destination.protocol must be "HTTP" or "TCP"');
    return undefined;
  }
  if (typeof d.URI !== 'string' || d.URI === '') {
    problems.push('destination.URI is required');
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(d.URI);
  } catch {
    problems.push(`destination.URI ${JSON.stringify(d.URI)} is not a URI`);
    return undefined;
  }
  if (url.protocol !== 'http:') {
    problems.push(`destination.URI must use http:// (Lambda does not deliver over ${url.protocol.replace(':', '')})`);
    return undefined;
  }
  if (!LOOPBACK_HOSTS.has(url.hostname)) {
    problems.push(`destination.URI host ${url.hostname} is not inside the execution environment: use sandbox.localdomain, localhost or 127.0.0.1 (bootspec delivers to loopback only)`);
    return undefined;
  }
  if (url.port === '') {
    problems.push('URI port is not provided');
    return undefined;
  }
  const port = Number(url.port);
  if (port === RESERVED_PORT) {
    problems.push(`destination.URI port ${RESERVED_PORT} is reserved by Lambda`);
    return undefined;
  }
  return { uri: d.URI, port, path: `${url.pathname}${url.search}` };
}
