/**
 * The error trailers of a streamed response: Lambda-Runtime-Function-Error-Type and
 * Lambda-Runtime-Function-Error-Body, the body base64 (standard alphabet) of a JSON error object.
 * https://docs.aws.amazon.com/lambda/latest/dg/runtimes-custom.html#runtimes-custom-response-streaming
 */
import type { StreamErrorTrailer } from '../types.ts';

export const ERROR_TYPE_TRAILER = 'lambda-runtime-function-error-type';
export const ERROR_BODY_TRAILER = 'lambda-runtime-function-error-body';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The error the trailers report, or undefined when neither is set (an empty value counts as unset). */
export function readErrorTrailers(trailers: Record<string, string>): StreamErrorTrailer | undefined {
  const errorType = trailers[ERROR_TYPE_TRAILER] || undefined;
  const rawBody = trailers[ERROR_BODY_TRAILER] || undefined;
  if (errorType === undefined && rawBody === undefined) return undefined;
  return { errorType, rawBody, body: decodeErrorBody(rawBody) };
}

export function decodeErrorBody(raw: string | undefined): StreamErrorTrailer['body'] {
  if (raw === undefined) return { kind: 'absent' };
  if (!BASE64.test(raw)) return { kind: 'not-base64' };
  const text = Buffer.from(raw, 'base64').toString('utf8');
  try {
    return { kind: 'json', value: JSON.parse(text) as unknown };
  } catch {
    return { kind: 'not-json', text };
  }
}

/** Field names in a Trailer header (`Trailer: A, B`), lower-case. */
export function declaredTrailers(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
}
