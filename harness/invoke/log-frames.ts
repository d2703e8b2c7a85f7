/**
 * The framing runtime clients write to `_LAMBDA_TELEMETRY_LOG_FD`: one frame per log record, each a
 * big-endian 4-byte type (0xA55A0000 | level << 2 | timestamp-present << 1 | text), a 4-byte length,
 * an 8-byte timestamp in microseconds since the epoch, then the message (newlines kept: one record).
 * Sources: aws-lambda-java-libs `FrameType.java` / `FramedTelemetryLogSink.java`, the Node client's
 * `LogPatch.js`, the Python client's `lambda_runtime_log_utils.py` (pinned in docs/requirements.md).
 */

export type FrameLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';

export interface LogFrame {
  type: number;
  format: 'text' | 'json';
  /** undefined: the level-less frame types (0xA55A0003 / 0xA55A0002). */
  level: FrameLevel | undefined;
  /** Microseconds since the epoch, as written. */
  timestampUs: bigint;
  message: string;
  /** When the frame's last byte was read (epoch ms). */
  at: number;
}

/** Bytes that are not a well-formed frame: the decoder stops there (a stream without resync points). */
export interface FrameError {
  offset: number;
  reason: string;
  /** The first bytes from the offset, hex. */
  excerpt: string;
}

const MAGIC = 0xa55a0000;
const HEADER_BYTES = 16;
const LEVELS: readonly (FrameLevel | undefined)[] = [undefined, 'TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
/** Far above any real record (Lambda cuts log events at 256 KB): a length past it is corruption. */
const MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** Splits a byte stream into frames as it arrives; calls back per frame, and once on the first error. */
export class LogFrameDecoder {
  readonly #onFrame: (frame: LogFrame) => void;
  readonly #onError: (error: FrameError) => void;
  #buf: Buffer = Buffer.alloc(0);
  #offset = 0;
  #failed = false;

  constructor(onFrame: (frame: LogFrame) => void, onError: (error: FrameError) => void) {
    this.#onFrame = onFrame;
    this.#onError = onError;
  }

  get failed(): boolean {
    return this.#failed;
  }

  push(chunk: Buffer, at: number = Date.now()): void {
    if (this.#failed) return;
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    while (this.#buf.length >= HEADER_BYTES) {
      const type = this.#buf.readUInt32BE(0);
      const length = this.#buf.readUInt32BE(4);
      const why = checkType(type) ?? (length > MAX_FRAME_BYTES ? `length ${length} is past any real record` : undefined);
      if (why) return this.#fail(why);
      if (this.#buf.length < HEADER_BYTES + length) return;
      const message = this.#buf.toString('utf8', HEADER_BYTES, HEADER_BYTES + length);
      const code = type & 0xffff;
      this.#onFrame({ type, format: code & 1 ? 'text' : 'json', level: LEVELS[code >> 2], timestampUs: this.#buf.readBigInt64BE(8), message, at });
      this.#buf = this.#buf.subarray(HEADER_BYTES + length);
      this.#offset += HEADER_BYTES + length;
    }
  }

  /** The stream ended: bytes left over are a cut-off frame. */
  end(): void {
    if (!this.#failed && this.#buf.length > 0) this.#fail(`the stream ended inside a frame (${this.#buf.length} bytes left)`);
  }

  #fail(reason: string): void {
    this.#failed = true;
    this.#onError({ offset: this.#offset, reason, excerpt: this.#buf.subarray(0, 32).toString('hex') });
    this.#buf = Buffer.alloc(0);
  }
}

function checkType(type: number): string | undefined {
  const hex = `0x${type.toString(16).padStart(8, '0')}`;
  if (((type & 0xffff0000) >>> 0) !== MAGIC) return `frame type ${hex} does not start with 0xA55A`;
  const code = type & 0xffff;
  if (code >> 2 >= LEVELS.length) return `frame type ${hex} has no known level`;
  if ((code & 2) === 0) return `frame type ${hex} says no timestamp, which no client writes`;
  return undefined;
}

/** The frame type a client writes for a record of this format and level. */
export function frameType(format: 'text' | 'json', level: FrameLevel | undefined): number {
  const l = level === undefined ? 0 : LEVELS.indexOf(level);
  return (MAGIC | (l << 2) | 2 | (format === 'text' ? 1 : 0)) >>> 0;
}

/** One frame's bytes (for tests and fake runtimes). */
export function encodeFrame(format: 'text' | 'json', level: FrameLevel | undefined, message: string, timestampUs: bigint): Buffer {
  const body = Buffer.from(message, 'utf8');
  const head = Buffer.alloc(HEADER_BYTES);
  head.writeUInt32BE(frameType(format, level), 0);
  head.writeUInt32BE(body.length, 4);
  head.writeBigInt64BE(timestampUs, 8);
  return Buffer.concat([head, body]);
}
