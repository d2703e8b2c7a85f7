/**
 * runtime.json as text -> a checked plain object: JSON with line/column on syntax errors, then the
 * JSON Schema (schemas/runtime.v1.schema.json) with one line per problem that names the field and
 * the fix.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { BootspecError, ErrorCodes } from '../errors.ts';
import { MAX_LAYERS } from './limits.ts';
import schema from '../../schemas/runtime.v1.schema.json' with { type: 'json' };

/** runtime.json as the schema guarantees it, paths not yet resolved. */
export interface RawManifest {
  $schema?: string;
  name: string;
  description?: string;
  probe?: 1;
  build?: string;
  function: string;
  layers?: string[];
  handler?: string;
  env?: Record<string, string>;
  features?: Array<'handler-lookup' | 'streaming' | 'telemetry-log-fd' | 'json-logs' | 'extensions' | 'sigterm' | 'nodejs' | 'python' | 'concurrency' | 'snapstart' | 'internal-extension'>;
  expectations?: string;
  conformance?: boolean;
}

export const MANIFEST_FIELDS: readonly string[] = Object.keys(schema.properties);
const FEATURES: readonly string[] = schema.properties.features.items.enum;
const SCHEMA_HINT = 'runtime.json is described in docs/probe-contract.md#manifest; add "$schema" pointing at schemas/runtime.v1.schema.json for editor help';

const validate = new Ajv({ allErrors: true, strict: true, verbose: true }).compile<RawManifest>(schema);

/** Parses runtime.json text; syntax errors carry line and column. */
export function parseManifestJson(text: string, file: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body) as unknown;
  } catch (err) {
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message);
    const pos = at?.[1] !== undefined ? Number(at[1]) : body.length;
    const { line, column } = lineColumn(body, pos);
    throw new BootspecError(
      ErrorCodes.MANIFEST_INVALID,
      `${file}:${line}:${column}: not valid JSON (${message.replace(/\s*\(line \d+ column \d+\)$/, '')})`,
      { hint: 'runtime.json is plain JSON: no comments, no trailing commas, double-quoted names', cause: err },
    );
  }
}

export function lineColumn(text: string, pos: number): { line: number; column: number } {
  const before = text.slice(0, pos);
  const lines = before.split('\n');
  return { line: lines.length, column: (lines[lines.length - 1]?.length ?? 0) + 1 };
}

/** Checks the parsed document against the schema; throws naming every bad field at once. */
export function checkManifestShape(doc: unknown, file: string): RawManifest {
  const layers = (doc as { layers?: unknown } | null)?.layers;
  if (Array.isArray(layers) && layers.length > MAX_LAYERS) {
    throw new BootspecError(
      ErrorCodes.TOO_MANY_LAYERS,
      `${file}: "layers" lists ${layers.length} layers; Lambda allows at most ${MAX_LAYERS}`,
      { hint: 'merge some layers into one zip, or move their files into the function' },
    );
  }
  if (validate(doc)) return doc;
  const problems = [...new Set((validate.errors ?? []).flatMap(describeError))];
  throw new BootspecError(
    ErrorCodes.MANIFEST_INVALID,
    `${file} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    { hint: SCHEMA_HINT },
  );
}

/** One line per schema error, naming the field as a reader would write it: layers[0], env.FOO. */
function describeError(e: ErrorObject): string[] {
  const field = fieldName(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(p.additionalProperty);
      const known = MANIFEST_FIELDS.filter((f) => f !== '$schema').join(', ');
      return [`unknown field "${name}"${suggest(name, MANIFEST_FIELDS) || `; known fields: ${known}`}`];
    }
    case 'required':
      return [`missing required field "${String(p.missingProperty)}"`];
    case 'type':
      return [`"${field}" must be ${article(String(p.type))}, got ${typeOf(e.data)}`];
    case 'const':
      return [`"${field}" must be ${JSON.stringify(p.allowedValue)} (this bootspec implements probe contract v1), got ${JSON.stringify(e.data)}`];
    case 'enum': {
      const got = String(e.data);
      return [`"${field}" must be one of ${FEATURES.join(', ')}; got "${got}"${suggest(got, FEATURES)}`];
    }
    case 'pattern':
      if (e.propertyName !== undefined) return []; // reported by 'propertyNames' below
      return [`"${field}" must match ${String(p.pattern)} (lowercase letters, digits, "." and "-"), got ${JSON.stringify(e.data)}`];
    case 'propertyNames':
      return [`"${field}" has an invalid variable name ${JSON.stringify(p.propertyName)}: use letters, digits and "_", not starting with a digit, at least 2 characters`];
    case 'minLength':
      return [`"${field}" must not be empty`];
    case 'maxLength':
      return [`"${field}" must be at most ${String(p.limit)} characters`];
    case 'uniqueItems':
      return [`"${field}" lists the same value twice (items ${String(p.j)} and ${String(p.i)})`];
    default:
      return [`"${field}" ${e.message ?? 'is invalid'}`];
  }
}

function fieldName(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(part) ? `[${part}]` : out === '' ? part : `.${part}`;
  }
  return out;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return article(typeof v);
}

function article(t: string): string {
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

/** `; did you mean "handler"?` when a candidate is close enough to be the intended one, else ''. */
export function suggest(word: string, candidates: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  const close = best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3));
  return close ? `; did you mean "${best}"?` : '';
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}
