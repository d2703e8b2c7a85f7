/**
 * Where a runtime's log lines come in, and whose invocation each is: its stdout and stderr, the
 * telemetry log fd (`_LAMBDA_TELEMETRY_LOG_FD`, framed: log-frames.ts) and, in a Lambda Managed
 * Instances environment, the log socket (log-socket.ts). With one invocation at a time a line is the
 * one in flight's; with several in one process, only a JSON record's own id says whose it is.
 */
import type { EnvironmentSandbox, LogStream, LaunchSpec } from '../drivers/types.ts';
import type { LogBuffer } from './log-buffer.ts';
import { type FrameError, type LogFrame, LogFrameDecoder } from './log-frames.ts';
import { LogSocket, requestIdOfLine } from './log-socket.ts';

export class LogIntake {
  /** Frames read from the telemetry log fd, all generations, and where the framing broke. */
  readonly frames: LogFrame[] = [];
  readonly frameErrors: (FrameError & { generation: number })[] = [];
  /** True when the runtime is offered `_LAMBDA_TELEMETRY_LOG_FD` (asked for, and the driver can). */
  readonly offersLogFd: boolean;
  readonly #logs: LogBuffer;
  readonly #managed: boolean;
  readonly #generation: () => number;
  #socket: Promise<LogSocket> | undefined;

  constructor(logs: LogBuffer, o: { managed: boolean; offersLogFd: boolean; generation: () => number }) {
    this.#logs = logs;
    this.#managed = o.managed;
    this.offersLogFd = o.offersLogFd;
    this.#generation = o.generation;
  }

  /** What a process of `generation` is started with: its line reader, its log fd reader, the socket's variable. */
  async forProcess(sandbox: EnvironmentSandbox, generation: number): Promise<{ env: Record<string, string> } & Pick<LaunchSpec, 'onLine' | 'onLogFd'>> {
    const logs = this.#logs;
    return {
      env: await this.#socketVariable(sandbox),
      onLine: (stream: LogStream, text: string, at: number) => logs.push({ at, stream, text, requestId: this.#ownerOf(text), generation }),
      ...(this.offersLogFd ? { onLogFd: this.#logFdReader(generation) } : {}),
    };
  }

  /** Managed Instances: the log socket, opened before the first process and kept for the environment's life. */
  async #socketVariable(sandbox: EnvironmentSandbox): Promise<Record<string, string>> {
    const dir = this.#managed ? sandbox.logSocketDir?.() : undefined;
    if (!dir) return {};
    this.#socket ??= LogSocket.open(dir.hostDir, (text, at) => this.#logs.push({ at, stream: 'log-socket', text, requestId: requestIdOfLine(text), generation: this.#generation() }));
    return (await this.#socket).variable(dir.sandboxDir);
  }

  /** The invocation a line belongs to: the one in flight, or in a managed environment the one its JSON record names. */
  #ownerOf(text: string): string | undefined {
    return this.#managed ? requestIdOfLine(text) : this.#logs.requestId;
  }

  /** Decodes one generation's telemetry log fd into frames and log lines. */
  #logFdReader(generation: number): (chunk: Buffer | null, at: number) => void {
    const decoder = new LogFrameDecoder(
      (f) => {
        this.frames.push(f);
        this.#logs.push({ at: f.at, stream: 'telemetry', text: f.message, requestId: this.#ownerOf(f.message), generation, loggedAt: Number(f.timestampUs) / 1000 });
      },
      (e) => this.frameErrors.push({ ...e, generation }),
    );
    return (chunk, at) => (chunk === null ? decoder.end() : decoder.push(chunk, at));
  }

  async close(): Promise<void> {
    await (await this.#socket?.catch(() => undefined))?.close();
  }
}
