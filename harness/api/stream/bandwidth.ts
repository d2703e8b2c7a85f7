/**
 * Lambda's bandwidth rule for streamed responses: the first 6 MB unshaped, then at most 2 MB/s
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html#config-rs-bandwidth-cap).
 * The emulator's RAPID core uses a token bucket of the same shape (burst 6 MiB, 2 MiB/s).
 */
import type { BandwidthRule } from '../types.ts';

const MiB = 1024 * 1024;

export const LAMBDA_STREAM_BANDWIDTH: BandwidthRule = Object.freeze({ burstBytes: 6 * MiB, bytesPerSecond: 2 * MiB });
/** Lambda's cap on a streamed response: 200 MB. */
export const LAMBDA_STREAM_MAX_BYTES = 200 * MiB;

/** A token bucket that starts full: how long reading must wait after `bytes` more have arrived. */
export class BandwidthShaper {
  #rule: BandwidthRule;
  #startedAt: number | undefined;
  #taken = 0;

  constructor(rule: BandwidthRule) {
    if (!(rule.bytesPerSecond > 0) || !(rule.burstBytes >= 0)) {
      throw new RangeError(`bandwidth rule needs bytesPerSecond > 0 and burstBytes >= 0, got ${JSON.stringify(rule)}`);
    }
    this.#rule = rule;
  }

  /** Counts `bytes` that arrived at `at` (ms); returns the ms to hold reading back (0: read on). */
  take(bytes: number, at: number): number {
    this.#startedAt ??= at;
    this.#taken += bytes;
    const allowance = this.#rule.burstBytes + (this.#rule.bytesPerSecond * (at - this.#startedAt)) / 1000;
    const over = this.#taken - allowance;
    return over <= 0 ? 0 : (over / this.#rule.bytesPerSecond) * 1000;
  }
}
