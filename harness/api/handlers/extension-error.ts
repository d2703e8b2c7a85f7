import { ACCEPTED } from '../exchange.ts';
import { ERROR_TYPE_HEADER, ExtensionErrorType } from '../extensions/errors.ts';
import type { ExtensionApiState } from '../extensions/types.ts';
import type { RuntimeExchange } from '../types.ts';
import { identifier } from './extension-next.ts';

const ERROR_BODY_LIMIT = 1024 * 1024;

/**
 * POST /2020-01-01/extension/init/error and /extension/exit/error: the extension reports a failure
 * (`Lambda-Extension-Function-Error-Type` required), gets 202, and may call nothing else; the
 * environment then fails its init (Extension.InitError) or resets (Extension.ExitError).
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html#runtimes-extensions-init-error
 */
export async function handleExtensionError(ext: ExtensionApiState, ex: RuntimeExchange, which: 'InitError' | 'ExitError'): Promise<void> {
  const id = identifier(ex);
  if (id === undefined) return;
  const body = await ex.req.readBody(ERROR_BODY_LIMIT);
  ex.noteRequestBody(body.kind === 'ok' ? body.body : undefined, body.size);
  if (body.kind === 'truncated') return ex.res.destroy();
  const errorType = ex.req.headers[ERROR_TYPE_HEADER.toLowerCase()] ?? '';
  if (errorType === '') return ex.sendJson(403, { errorMessage: `${ERROR_TYPE_HEADER} not found`, errorType: ExtensionErrorType.MissingHeader });
  const r = ext.reportError(id, which, errorType);
  if (!r.ok) return ex.sendJson(403, { errorMessage: r.errorMessage, errorType: r.errorType });
  ex.sendJson(202, ACCEPTED);
}
