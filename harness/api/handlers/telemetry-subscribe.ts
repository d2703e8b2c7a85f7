import { ExtensionErrorType } from '../extensions/errors.ts';
import type { ExtensionInfo } from '../extensions/types.ts';
import { parseSubscription } from '../telemetry/subscription.ts';
import type { SubscribeResult } from '../telemetry/hub.ts';
import type { SubscriptionRequest, TelemetryApiKind } from '../telemetry/types.ts';
import type { RuntimeExchange } from '../types.ts';
import { identifier } from './extension-next.ts';

/** Subscription bodies are small. */
const SUBSCRIBE_BODY_LIMIT = 64 * 1024;

/** What the handler needs of the extensions and the telemetry of an environment. */
export interface TelemetrySubscribeState {
  /** A registered extension by its identifier. */
  findExtension(id: string): ExtensionInfo | undefined;
  /** Subscriptions are taken during init only, until every extension is ready (later than registrations). */
  readonly subscriptionsOpen: boolean;
  subscribe(extensionId: string, extensionName: string, req: SubscriptionRequest): SubscribeResult;
}

/** errorType of a refused subscription: the Telemetry API's and the Logs API's documented names. */
const VALIDATION_ERROR: Record<TelemetryApiKind, string> = { telemetry: 'ValidationError', logs: 'Logs.ValidationError' };
const SUBSCRIPTION_CLOSED: Record<TelemetryApiKind, string> = { telemetry: 'Telemetry.SubscriptionClosed', logs: 'Logs.SubscriptionClosed' };

/**
 * PUT /2022-07-01/telemetry and PUT /2020-08-15/logs: a registered extension (its
 * Lambda-Extension-Identifier) subscribes during init to platform, function and extension events,
 * delivered to an HTTP listener inside the environment. 200 `"OK"`; 400 with the documented
 * ValidationError for a bad body; 403 for a missing, malformed or unknown identifier, or after init.
 * https://docs.aws.amazon.com/lambda/latest/dg/telemetry-api-reference.html
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-logs-api.html#runtimes-logs-api-ref
 */
export async function handleTelemetrySubscribe(state: TelemetrySubscribeState, ex: RuntimeExchange, api: TelemetryApiKind): Promise<void> {
  const body = await ex.req.readBody(SUBSCRIBE_BODY_LIMIT);
  ex.noteRequestBody(body.kind === 'ok' ? body.body : undefined, body.size);
  if (body.kind === 'truncated') return ex.res.destroy();
  const id = identifier(ex);
  if (id === undefined) return;
  const extension = state.findExtension(id);
  if (!extension) return ex.sendJson(403, { errorMessage: `Unknown extension ${id}`, errorType: ExtensionErrorType.UnknownIdentifier });
  if (!state.subscriptionsOpen) {
    const which = api === 'telemetry' ? 'Telemetry' : 'Logs';
    // RAPID's words (rapi/handler/runtimelogs.go renders the subscription service's closed error).
    return ex.sendJson(403, { errorMessage: `${which} API subscription is closed already`, errorType: SUBSCRIPTION_CLOSED[api] });
  }
  if (body.kind !== 'ok') return ex.sendJson(400, { errorMessage: `the body is over ${SUBSCRIBE_BODY_LIMIT} bytes`, errorType: VALIDATION_ERROR[api] });
  const parsed = parseSubscription(api, body.body);
  if (!parsed.ok) return ex.sendJson(400, { errorMessage: parsed.errorMessage, errorType: VALIDATION_ERROR[api] });
  const r = state.subscribe(extension.id, extension.name, parsed.value);
  if (!r.ok) return ex.sendJson(400, { errorMessage: r.errorMessage, errorType: VALIDATION_ERROR[api] });
  ex.send(200, ['Content-Type', 'application/json'], '"OK"');
}

/** The handler's view of an environment's extension registry and telemetry hub. */
export function telemetrySubscribeState(
  extensions: { find(id: string): ExtensionInfo | undefined; readonly subscriptionsOpen: boolean },
  hub: { subscribe(extensionId: string, extensionName: string, req: SubscriptionRequest): SubscribeResult },
): TelemetrySubscribeState {
  return {
    findExtension: (id) => extensions.find(id),
    get subscriptionsOpen() {
      return extensions.subscriptionsOpen;
    },
    subscribe: (extensionId, extensionName, req) => hub.subscribe(extensionId, extensionName, req),
  };
}
