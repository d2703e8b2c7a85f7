/**
 * The Runtime API's error vocabulary: the `errorType` names and messages RAPID renders, and the
 * platform error types an invocation can end with. docs/requirements.md#next
 */

/** errorType values in Runtime API response bodies (what the runtime reads). */
export const ApiErrorType = {
  InvalidRequestID: 'InvalidRequestID',
  InvalidStateTransition: 'InvalidStateTransition',
  RequestEntityTooLarge: 'RequestEntityTooLarge',
  InvalidFunctionResponseMode: 'InvalidFunctionResponseMode',
  TruncatedHTTPRequest: 'TruncatedHTTPRequest',
  InvokeTimeout: 'InvokeTimeout',
  InternalServerError: 'InternalServerError',
} as const;

/** errorType values an invocation can end with, set by the platform (what the caller reads). */
export const PlatformErrorType = {
  ExitError: 'Runtime.ExitError',
  InvalidEntrypoint: 'Runtime.InvalidEntrypoint',
  InvalidResponseModeHeader: 'Runtime.InvalidResponseModeHeader',
  TruncatedResponse: 'Runtime.TruncatedResponse',
  Unknown: 'Runtime.Unknown',
  OutOfMemory: 'Runtime.OutOfMemory',
  ResponseSizeTooLarge: 'Function.ResponseSizeTooLarge',
  FunctionUnknown: 'Function.Unknown',
  Timedout: 'Sandbox.Timedout',
} as const;

/** 6 MiB + 100 bytes: the largest response body RAPID accepts (docs/requirements.md#payload). */
export const MAX_PAYLOAD_SIZE = 6 * 1024 * 1024 + 100;

export interface ApiErrorBody {
  errorMessage: string;
  errorType: string;
}

export function apiErrorBody(errorType: string, errorMessage: string): ApiErrorBody {
  return { errorMessage, errorType };
}

export const invalidRequestId = (): ApiErrorBody =>
  apiErrorBody(ApiErrorType.InvalidRequestID, 'Invalid request ID');

export const invalidStateTransition = (from: string, to: string): ApiErrorBody =>
  apiErrorBody(
    ApiErrorType.InvalidStateTransition,
    `State transition from ${from} to ${to} failed for runtime. Error: State transition is not allowed`,
  );

export const requestEntityTooLarge = (): ApiErrorBody =>
  apiErrorBody(
    ApiErrorType.RequestEntityTooLarge,
    `Exceeded maximum allowed payload size (${MAX_PAYLOAD_SIZE} bytes).`,
  );

export const invalidFunctionResponseMode = (): ApiErrorBody =>
  apiErrorBody(ApiErrorType.InvalidFunctionResponseMode, 'Invalid function response mode');

export const truncatedRequest = (): ApiErrorBody =>
  apiErrorBody(ApiErrorType.TruncatedHTTPRequest, 'HTTP request detected as truncated');

export const internalServerError = (): ApiErrorBody =>
  apiErrorBody(ApiErrorType.InternalServerError, 'Internal Server Error');

/** RAPID's `RequestId: <id> Error: <message>` formatting of platform errors (docs/requirements.md#lifecycle). */
export function platformError(errorType: string, requestId: string, message: string): ApiErrorBody {
  return apiErrorBody(errorType, `RequestId: ${requestId} Error: ${message}`);
}

export function timeoutMessage(timeoutMs: number): string {
  return `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`;
}

/** Go's os/exec wording, which RAPID puts in `Runtime exited with error: …`. */
export function exitMessage(code: number | null, signal: string | null): string {
  if (signal) return `Runtime exited with error: signal: ${signalName(signal)}`;
  if (code === 0 || code === null) return 'Runtime exited without providing a reason';
  return `Runtime exited with error: exit status ${code}`;
}

function signalName(signal: string): string {
  const names: Record<string, string> = {
    SIGKILL: 'killed',
    SIGTERM: 'terminated',
    SIGSEGV: 'segmentation fault',
    SIGABRT: 'aborted',
    SIGINT: 'interrupt',
    SIGBUS: 'bus error',
    SIGFPE: 'floating point exception',
    SIGILL: 'illegal instruction',
    SIGPIPE: 'broken pipe',
  };
  return names[signal] ?? signal;
}

export function responseTooLargeError(size: number | undefined): ApiErrorBody {
  // The cloud omits the size; RIE includes it. We know it, and it helps the reader.
  const sizePart = size === undefined ? '' : ` (${size} bytes)`;
  return apiErrorBody(
    PlatformErrorType.ResponseSizeTooLarge,
    `Response payload size${sizePart} exceeded maximum allowed payload size (${MAX_PAYLOAD_SIZE} bytes).`,
  );
}

/** RAPID keeps a runtime-supplied error type only if it looks like `Runtime.X` / `Function.X` (docs/requirements.md#errors). */
export function normaliseErrorTypeHeader(value: string | undefined): string {
  if (value && /(Runtime|Function)\.[A-Z][a-zA-Z]+/.test(value)) return value;
  if (value?.startsWith('Function.')) return PlatformErrorType.FunctionUnknown;
  return PlatformErrorType.Unknown;
}
