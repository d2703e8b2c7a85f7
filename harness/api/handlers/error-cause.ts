/**
 * An /error body sent as application/vnd.aws.lambda.error.cause+json, as RAPID forwards it: decoded
 * into {errorMessage, errorType, stackTrace, errorCause}, the cause kept for X-Ray, and the rest
 * re-encoded by Go's encoding/json (stackTrace omitted when empty, other fields dropped). A body that
 * does not decode becomes "Invalid error body".
 * https://github.com/aws/aws-lambda-runtime-interface-emulator/blob/bef5c4ba774d/internal/lambda/rapi/handler/mime_type_error_cause_json.go
 * https://github.com/aws/aws-lambda-runtime-interface-emulator/blob/bef5c4ba774d/internal/lambda/rapi/model/errorresponse.go
 */

const INVALID = Buffer.from(JSON.stringify('Invalid error body'));

export function stripErrorCause(body: Buffer): Buffer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return INVALID;
  }
  // Go decodes JSON null into a struct as all zero values.
  if (parsed === null) parsed = {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) return INVALID;
  let errorMessage = '';
  let errorType = '';
  let stackTrace: string[] = [];
  // encoding/json matches field names case-insensitively; the last match wins.
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    const k = key.toLowerCase();
    if (k === 'errormessage' || k === 'errortype') {
      if (value !== null && typeof value !== 'string') return INVALID;
      if (k === 'errormessage') errorMessage = value ?? '';
      else errorType = value ?? '';
    } else if (k === 'stacktrace') {
      if (value === null) stackTrace = [];
      else if (!Array.isArray(value) || value.some((line) => line !== null && typeof line !== 'string')) return INVALID;
      else stackTrace = value.map((line: string | null) => line ?? '');
    }
  }
  const out = stackTrace.length > 0 ? { errorMessage, errorType, stackTrace } : { errorMessage, errorType };
  return Buffer.from(goJson(out));
}

/** JSON.stringify with Go's HTML-safe escapes (encoding/json escapes <, >, &, U+2028 and U+2029). */
function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
