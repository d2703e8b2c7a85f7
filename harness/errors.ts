/**
 * Typed harness errors with stable codes. Thrown, never returned.
 * A code, once published, keeps its meaning; add new ones at the end of a group.
 */
export const ErrorCodes = {
  // bad input from the user: manifest, runtime folder, zips, CLI flags
  MANIFEST_INVALID: 'BOOTSPEC_ERR_MANIFEST_INVALID',
  MANIFEST_NOT_FOUND: 'BOOTSPEC_ERR_MANIFEST_NOT_FOUND',
  RUNTIME_FOLDER_INVALID: 'BOOTSPEC_ERR_RUNTIME_FOLDER_INVALID',
  ZIP_INVALID: 'BOOTSPEC_ERR_ZIP_INVALID',
  ZIP_UNSAFE_ENTRY: 'BOOTSPEC_ERR_ZIP_UNSAFE_ENTRY',
  TOO_MANY_LAYERS: 'BOOTSPEC_ERR_TOO_MANY_LAYERS',
  UNZIPPED_SIZE_EXCEEDED: 'BOOTSPEC_ERR_UNZIPPED_SIZE_EXCEEDED',
  BOOTSTRAP_NOT_FOUND: 'BOOTSPEC_ERR_BOOTSTRAP_NOT_FOUND',
  BOOTSTRAP_NOT_EXECUTABLE: 'BOOTSPEC_ERR_BOOTSTRAP_NOT_EXECUTABLE',
  RESERVED_ENV_VAR: 'BOOTSPEC_ERR_RESERVED_ENV_VAR',
  USAGE: 'BOOTSPEC_ERR_USAGE',
  EVENT_INVALID: 'BOOTSPEC_ERR_EVENT_INVALID',
  // the harness or the machine failed
  BUILD_FAILED: 'BOOTSPEC_ERR_BUILD_FAILED',
  DRIVER_START_FAILED: 'BOOTSPEC_ERR_DRIVER_START_FAILED',
  DRIVER_START_TIMEOUT: 'BOOTSPEC_ERR_DRIVER_START_TIMEOUT',
  PORT_IN_USE: 'BOOTSPEC_ERR_PORT_IN_USE',
  WAIT_TIMEOUT: 'BOOTSPEC_ERR_WAIT_TIMEOUT',
  ENVIRONMENT_CLOSED: 'BOOTSPEC_ERR_ENVIRONMENT_CLOSED',
  EXPECTATIONS_INVALID: 'BOOTSPEC_ERR_EXPECTATIONS_INVALID',
  DOCKER_UNAVAILABLE: 'BOOTSPEC_ERR_DOCKER_UNAVAILABLE',
  /** A bootspec bug: an execution environment asked for a lifecycle transition its state does not allow. */
  ENVIRONMENT_TRANSITION_DENIED: 'BOOTSPEC_ERR_ENVIRONMENT_TRANSITION_DENIED',
  STORE_LOCK_TIMEOUT: 'BOOTSPEC_ERR_STORE_LOCK_TIMEOUT',
  /** docs/requirements.md or docs/probe-contract.md is missing from the package: a report cannot quote them. */
  DOCS_MISSING: 'BOOTSPEC_ERR_DOCS_MISSING',
  // Lambda's own errors, from the layer store and the control plane (each maps to one Lambda error type)
  LAMBDA_RESOURCE_NOT_FOUND: 'BOOTSPEC_ERR_LAMBDA_RESOURCE_NOT_FOUND',
  LAMBDA_INVALID_PARAMETER: 'BOOTSPEC_ERR_LAMBDA_INVALID_PARAMETER',
  LAMBDA_ACCESS_DENIED: 'BOOTSPEC_ERR_LAMBDA_ACCESS_DENIED',
  LAMBDA_RESOURCE_CONFLICT: 'BOOTSPEC_ERR_LAMBDA_RESOURCE_CONFLICT',
  LAMBDA_PRECONDITION_FAILED: 'BOOTSPEC_ERR_LAMBDA_PRECONDITION_FAILED',
  LAMBDA_REQUEST_TOO_LARGE: 'BOOTSPEC_ERR_LAMBDA_REQUEST_TOO_LARGE',
  LAMBDA_TOO_MANY_REQUESTS: 'BOOTSPEC_ERR_LAMBDA_TOO_MANY_REQUESTS',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export class BootspecError extends Error {
  readonly code: ErrorCode;
  /** How to fix it, shown after the message. */
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BootspecError';
    this.code = code;
    this.hint = options.hint;
  }

  /** One block for a terminal: message, fix, code. */
  describe(): string {
    return `${this.message}${this.hint ? `\n  fix: ${this.hint}` : ''}\n  (${this.code})`;
  }
}

export function isBootspecError(err: unknown, code?: ErrorCode): err is BootspecError {
  return err instanceof BootspecError && (code === undefined || err.code === code);
}
