/**
 * Lambda's errors as the layer store and the control plane raise them: BootspecErrors whose code
 * names the Lambda error type, status and body key (from the Lambda service model, botocore
 * data/lambda/2015-03-31/service-2.json: ResourceNotFoundException carries `Message`, the
 * others `message`; AccessDeniedException is not modelled and answers like IAM, with `Message`).
 */
import { BootspecError, type ErrorCode, ErrorCodes } from '../errors.ts';

export interface LambdaErrorShape {
  type: string;
  status: number;
  messageKey: 'message' | 'Message';
}

export const LAMBDA_ERRORS: Partial<Record<ErrorCode, LambdaErrorShape>> = {
  [ErrorCodes.LAMBDA_RESOURCE_NOT_FOUND]: { type: 'ResourceNotFoundException', status: 404, messageKey: 'Message' },
  [ErrorCodes.LAMBDA_INVALID_PARAMETER]: { type: 'InvalidParameterValueException', status: 400, messageKey: 'message' },
  [ErrorCodes.LAMBDA_ACCESS_DENIED]: { type: 'AccessDeniedException', status: 403, messageKey: 'Message' },
  [ErrorCodes.LAMBDA_RESOURCE_CONFLICT]: { type: 'ResourceConflictException', status: 409, messageKey: 'message' },
  [ErrorCodes.LAMBDA_PRECONDITION_FAILED]: { type: 'PreconditionFailedException', status: 412, messageKey: 'message' },
  [ErrorCodes.LAMBDA_REQUEST_TOO_LARGE]: { type: 'RequestTooLargeException', status: 413, messageKey: 'message' },
};

export const notFound = (message: string, hint?: string) => make(ErrorCodes.LAMBDA_RESOURCE_NOT_FOUND, message, hint);
export const invalidParameter = (message: string, hint?: string) => make(ErrorCodes.LAMBDA_INVALID_PARAMETER, message, hint);
export const accessDenied = (message: string, hint?: string) => make(ErrorCodes.LAMBDA_ACCESS_DENIED, message, hint);
export const conflict = (message: string, hint?: string) => make(ErrorCodes.LAMBDA_RESOURCE_CONFLICT, message, hint);
export const preconditionFailed = (message: string, hint?: string) => make(ErrorCodes.LAMBDA_PRECONDITION_FAILED, message, hint);
export const requestTooLarge = (message: string, hint?: string) => make(ErrorCodes.LAMBDA_REQUEST_TOO_LARGE, message, hint);

function make(code: ErrorCode, message: string, hint: string | undefined): BootspecError {
  return new BootspecError(code, message, hint === undefined ? {} : { hint });
}
