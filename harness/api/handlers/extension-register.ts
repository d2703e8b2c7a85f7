import { ACCEPT_FEATURE_HEADER, ExtensionErrorType, IDENTIFIER_HEADER } from '../extensions/errors.ts';
import type { ExtensionApiState } from '../extensions/types.ts';
import type { RuntimeExchange } from '../types.ts';

/** Register bodies are small; RAPID reads them whole. */
const REGISTER_BODY_LIMIT = 64 * 1024;

/**
 * POST /2020-01-01/extension/register: `Lambda-Extension-Name` names the extension (an external one
 * by its file name in /opt/extensions; any other name registers an internal one); the body lists
 * the events. 200 with `Lambda-Extension-Identifier`; `Lambda-Extension-Accept-Feature: accountId`
 * adds the account id to the body.
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html#extensions-registration-api-a
 */
export async function handleExtensionRegister(ext: ExtensionApiState, ex: RuntimeExchange): Promise<void> {
  const body = await ex.req.readBody(REGISTER_BODY_LIMIT);
  ex.noteRequestBody(body.kind === 'ok' ? body.body : undefined, body.size);
  if (body.kind === 'truncated') return ex.res.destroy();
  const name = ex.req.headers['lambda-extension-name'] ?? '';
  if (name === '') return forbidden(ex, ExtensionErrorType.InvalidName, 'Empty extension name');
  const withAccount = (ex.req.headers[ACCEPT_FEATURE_HEADER.toLowerCase()] ?? '').split(',').some((f) => f.trim() === 'accountId');
  const parsed = body.kind === 'ok' ? parseRegister(body.body) : { error: 'http: request body too large' };
  if ('error' in parsed) return forbidden(ex, ExtensionErrorType.InvalidRequestFormat, parsed.error);

  const r = ext.register(name, parsed.events);
  if (!r.ok) return forbidden(ex, r.errorType, r.errorMessage);
  const m = r.metadata;
  // Field order of RAPID's ExtensionRegisterResponse; accountId only when asked for.
  const answer = withAccount
    ? { accountId: m.accountId, functionName: m.functionName, functionVersion: m.functionVersion, handler: m.handler }
    : { functionName: m.functionName, functionVersion: m.functionVersion, handler: m.handler };
  ex.send(200, ['Content-Type', 'application/json', IDENTIFIER_HEADER, r.id], `${JSON.stringify(answer)}\n`);
}

/** RAPID decodes with encoding/json: `events` must be a list of strings, `configurationKeys` is refused. */
function parseRegister(raw: Buffer): { events: string[] } | { error: string } {
  if (raw.length === 0) return { error: 'unexpected end of JSON input' };
  let v: unknown;
  try {
    v = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    return { error: (err as Error).message };
  }
  if (v === null) return { events: [] };
  if (typeof v !== 'object' || Array.isArray(v)) return { error: 'json: cannot unmarshal non-object into Go value of type RegisterRequest' };
  const o = v as { events?: unknown; configurationKeys?: unknown };
  if (Array.isArray(o.configurationKeys) && o.configurationKeys.length > 0) return { error: 'configurationKeys are deprecated; use environment variables instead' };
  if (o.events === undefined || o.events === null) return { events: [] };
  if (!Array.isArray(o.events) || o.events.some((e) => typeof e !== 'string')) return { error: 'json: cannot unmarshal events into Go struct field RegisterRequest.events of type []core.Event' };
  return { events: o.events as string[] };
}

function forbidden(ex: RuntimeExchange, errorType: string, errorMessage: string): void {
  ex.sendJson(403, { errorMessage, errorType });
}
