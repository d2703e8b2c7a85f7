/**
 * The HTTP-integration framing of a streamed response: with Content-Type
 * application/vnd.awslambda.http-integration-response the body starts with a JSON prelude
 * (statusCode, headers, cookies), then 8 NUL bytes, then the HTTP body.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode-lambda.html
 */
import type { PreludeReading } from '../types.ts';

export const HTTP_INTEGRATION_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
const DELIMITER = Buffer.alloc(8);
/** How far the delimiter is looked for: API Gateway wants the metadata within the first 16 KB. */
export const PRELUDE_SCAN_BYTES = 16 * 1024;

export function isHttpIntegration(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === HTTP_INTEGRATION_CONTENT_TYPE;
}

/** Reads the prelude from the first bytes of the body, as they arrive. */
export class PreludeScanner {
  #head: Buffer[] = [];
  #size = 0;
  #result: PreludeReading | undefined;

  get result(): PreludeReading | undefined {
    return this.#result;
  }

  push(piece: Buffer): void {
    if (this.#result !== undefined) return;
    const room = PRELUDE_SCAN_BYTES + DELIMITER.length - this.#size;
    const part = piece.length > room ? piece.subarray(0, room) : piece;
    this.#head.push(part);
    this.#size += part.length;
    const head = Buffer.concat(this.#head, this.#size);
    this.#head = [head];
    const at = head.indexOf(DELIMITER);
    if (at !== -1) this.#result = parsePrelude(head.subarray(0, at));
    else if (this.#size >= PRELUDE_SCAN_BYTES + DELIMITER.length) this.#result = { kind: 'no-delimiter', scannedBytes: this.#size };
  }

  /** The body ended: a prelude still not found has no delimiter. */
  finish(): PreludeReading {
    this.#result ??= { kind: 'no-delimiter', scannedBytes: this.#size };
    this.#head = [];
    return this.#result;
  }
}

function parsePrelude(bytes: Buffer): PreludeReading {
  try {
    return { kind: 'ok', prelude: JSON.parse(bytes.toString('utf8')) as unknown, preludeBytes: bytes.length };
  } catch {
    return { kind: 'not-json', preludeBytes: bytes.length };
  }
}
