import { ExtensionErrorType, isUuid } from '../extensions/errors.ts';
import type { ExtensionApiState } from '../extensions/types.ts';
import type { RuntimeExchange } from '../types.ts';

/**
 * GET /2020-01-01/extension/event/next: a long poll, answered with the extension's next INVOKE or
 * SHUTDOWN event. Calling it again says the extension is done with the last event; init and each
 * invocation end only when every registered extension has.
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html#extensions-api-next
 */
export function handleExtensionNext(ext: ExtensionApiState, ex: RuntimeExchange): void {
  const id = identifier(ex);
  if (id === undefined) return;
  const r = ext.next(id, ex);
  if (!r.ok) return ex.sendJson(403, { errorMessage: r.errorMessage, errorType: r.errorType });
  if (!ex.res.answered) ex.res.onAbandoned(() => ext.unpark(id, ex));
}

/** RAPID's AgentUniqueIdentifierHeaderValidator: missing, then not a UUID, each a 403. */
export function identifier(ex: RuntimeExchange): string | undefined {
  const id = ex.req.headers['lambda-extension-identifier'] ?? '';
  if (id === '') {
    ex.sendJson(403, { errorMessage: 'Missing Lambda-Extension-Identifier header', errorType: ExtensionErrorType.MissingIdentifier });
    return undefined;
  }
  if (!isUuid(id)) {
    ex.sendJson(403, { errorMessage: 'Invalid Lambda-Extension-Identifier', errorType: ExtensionErrorType.InvalidIdentifier });
    return undefined;
  }
  return id;
}
