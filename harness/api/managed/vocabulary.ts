/**
 * What the managed-instances RAPID answers that the classic one does not.
 * https://github.com/aws/aws-lambda-runtime-interface-emulator/blob/4fa21571526087e3a0076b9fecf67a79e3927994/internal/lambda-managed-instances/rapi/rendering/render_error.go
 */
import { ApiErrorType, type ApiErrorBody, apiErrorBody } from '../errors.ts';

/** 410 body for a result posted after its invocation timed out. */
export const invokeTimeout = (): ApiErrorBody => apiErrorBody(ApiErrorType.InvokeTimeout, 'Invoke timeout');

/** The errorType RAPID gives an invoke that finds no idle worker (rendered to the caller by the front end). */
export const RUNTIME_UNAVAILABLE = 'Runtime.Unavailable';

/** The errorType of a /next beyond maxConcurrency idle workers (the runtime sees a 500). */
export const TOO_MANY_IDLE_RUNTIMES = 'Runtime.TooManyIdleRuntimes';
