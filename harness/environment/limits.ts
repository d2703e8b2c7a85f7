/** Lambda platform limits the function environment enforces (docs/requirements.md#layers). */
import { BootspecError, ErrorCodes } from '../errors.ts';

/** Layers per function. */
export const MAX_LAYERS = 5;

/** Function + all layers, unzipped: 250 MB as Lambda counts it (250 × 1024 × 1024 bytes). */
export const MAX_UNZIPPED_BYTES = 262_144_000;

/** Aggregate size of user-defined environment variables. */
export const MAX_USER_ENV_BYTES = 4096;

export const MIN_MEMORY_MB = 128;
export const MAX_MEMORY_MB = 10_240;
export const MAX_TIMEOUT_S = 900;

/**
 * Lambda's own words when CreateFunction or UpdateFunctionConfiguration refuses a function over its
 * layer limits (InvalidParameterValueException; docs/requirements.md#layers).
 */
export const LAMBDA_TOO_MANY_LAYERS = `InvalidParameterValueException: Cannot reference more than ${MAX_LAYERS} layers.`;
export const LAMBDA_UNZIPPED_TOO_LARGE = `InvalidParameterValueException: Function code combined with layers exceeds the maximum allowed size of ${MAX_UNZIPPED_BYTES} bytes.`;

/**
 * Counts unzipped bytes across the function and its layers, and throws the moment the total
 * passes the limit, so a zip bomb is stopped by what it writes, not by what its headers claim.
 */
export class UnzippedBudget {
  used = 0;

  /** `subject` names what is measured in the message. */
  constructor(
    readonly limit: number = MAX_UNZIPPED_BYTES,
    readonly subject = 'function + layers',
  ) {
    if (!Number.isSafeInteger(limit) || limit < 0) {
      throw new BootspecError(ErrorCodes.USAGE, `maxUnzippedBytes must be a non-negative integer, got ${limit}`, {
        hint: `omit it to use Lambda's limit of ${MAX_UNZIPPED_BYTES} bytes`,
      });
    }
  }

  /** Would `bytes` more still fit? Used to refuse early on a header's claim. */
  fits(bytes: number): boolean {
    return this.used + bytes <= this.limit;
  }

  /** Records bytes actually written; `source` names the file (and entry) for the message. */
  take(bytes: number, source: string): void {
    this.used += bytes;
    if (this.used > this.limit) throw this.exceeded(source);
  }

  exceeded(source: string): BootspecError {
    return new BootspecError(
      ErrorCodes.UNZIPPED_SIZE_EXCEEDED,
      `${this.subject}: more than ${this.limit} bytes unzipped (stopped at ${source})`,
      {
        hint:
          this.limit === MAX_UNZIPPED_BYTES
            ? 'Lambda refuses more than 250 MB unzipped across the function and all its layers; ship less, or use a container image'
            : `the harness was given a budget of ${this.limit} bytes; raise maxUnzippedBytes or make the function smaller`,
      },
    );
  }
}
