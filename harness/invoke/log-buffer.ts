/**
 * An environment's output: every line of its processes and the platform's own lines (START, END,
 * REPORT, INIT_REPORT), each tagged with the invocation in flight, kept bounded, and handed to the
 * invocation that is collecting its own.
 */
import { now } from '../clock.ts';
import type { LogLine } from './types.ts';

/** Lines kept per environment; past it the oldest half goes (a long `serve` must not grow without end). */
const MAX_LINES = 20_000;

export class LogBuffer {
  readonly lines: LogLine[] = [];
  /** The invocation in flight, whose id new lines carry. */
  requestId: string | undefined;
  readonly #record: boolean;
  readonly #onLog: ((line: LogLine) => void) | undefined;
  #collect: LogLine[] | undefined;
  /** Managed Instances: each invocation in flight collects the lines that name it (log-socket.ts). */
  readonly #byId = new Map<string, LogLine[]>();

  constructor(record: boolean, onLog: ((line: LogLine) => void) | undefined) {
    this.#record = record;
    this.#onLog = onLog;
  }

  /** An invocation starts collecting its lines into `into`. */
  collect(into: LogLine[]): void {
    this.#collect = into;
  }

  /** One of several invocations in flight collects the lines that carry its id. */
  collectFor(requestId: string, into: LogLine[]): void {
    this.#byId.set(requestId, into);
  }

  release(requestId: string): void {
    this.#byId.delete(requestId);
  }

  /** The invocation in flight ended: new lines belong to no invocation. */
  endInvocation(): void {
    this.requestId = undefined;
    this.#collect = undefined;
  }

  push(line: LogLine): void {
    if (this.#record) {
      this.lines.push(line);
      if (this.lines.length > MAX_LINES) this.lines.splice(0, MAX_LINES / 2);
      this.#collect?.push(line);
      if (line.requestId !== undefined && this.#byId.size > 0) this.#byId.get(line.requestId)?.push(line);
    }
    this.#onLog?.(line);
  }

  /** A line of the platform's, e.g. START or REPORT. */
  platform(text: string, generation: number): void {
    this.push({ at: now(), stream: 'platform', text, requestId: this.requestId, generation });
  }
}
