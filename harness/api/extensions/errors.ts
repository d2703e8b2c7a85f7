/**
 * The Extensions API's error vocabulary, as RAPID renders it (403 with `{errorMessage, errorType}`):
 * aws-lambda-runtime-interface-emulator@4fa21571 internal/lambda/rapi/handler/constants.go,
 * agentregister.go, agentnext.go, agentiniterror.go, agentexiterror.go, rapi/middleware/middleware.go.
 */
export const ExtensionErrorType = {
  MissingIdentifier: 'Extension.MissingExtensionIdentifier',
  InvalidIdentifier: 'Extension.InvalidExtensionIdentifier',
  InvalidName: 'Extension.InvalidExtensionName',
  RegistrationClosed: 'Extension.RegistrationClosed',
  UnknownIdentifier: 'Extension.UnknownExtensionIdentifier',
  InvalidState: 'Extension.InvalidExtensionState',
  MissingHeader: 'Extension.MissingHeader',
  TooManyExtensions: 'Extension.TooManyExtensions',
  InvalidEventType: 'Extension.InvalidEventType',
  InvalidRequestFormat: 'InvalidRequestFormat',
} as const;

/** Platform error types an environment ends with when an extension fails (RAPID's fatalerror). */
export const ExtensionFatalError = {
  InitError: 'Extension.InitError',
  ExitError: 'Extension.ExitError',
  Crash: 'Extension.Crash',
  LaunchError: 'Extension.LaunchError',
} as const;

/** RAPID: core.MaxAgentsAllowed. */
export const MAX_EXTENSIONS = 10;

export const IDENTIFIER_HEADER = 'Lambda-Extension-Identifier';
export const NAME_HEADER = 'Lambda-Extension-Name';
export const ERROR_TYPE_HEADER = 'Lambda-Extension-Function-Error-Type';
export const ACCEPT_FEATURE_HEADER = 'Lambda-Extension-Accept-Feature';
export const EVENT_ID_HEADER = 'Lambda-Extension-Event-Identifier';

export function transitionFailed(from: string, to: string, who: string): string {
  return `State transition from ${from} to ${to} failed for extension ${who}. Error: State transition is not allowed`;
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** Go's uuid.Parse accepts the canonical form (and a few others); enough to tell an identifier from junk. */
export function isUuid(s: string): boolean {
  const t = s.startsWith('urn:uuid:') ? s.slice(9) : s.startsWith('{') && s.endsWith('}') ? s.slice(1, -1) : s;
  return UUID.test(t) && (t.length === 36 || t.length === 32);
}
