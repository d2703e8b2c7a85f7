/**
 * `_LAMBDA_TELEMETRY_LOG_FD` for a process started by `docker exec`, which cannot hand a process an
 * open descriptor: a named pipe (FIFO) in a host folder bind-mounted read-only into the sandbox.
 * The process is started through `sh`, which opens the pipe as fd 3 for writing and then `exec`s the
 * real command, so the runtime sees a plain inherited descriptor as on Lambda. The host holds the
 * pipe open read-write: neither side's open blocks, and the host's read never sees an early end of
 * file before the runtime has opened its end (a FIFO opened for writing on a read-only mount is
 * allowed; only regular files are refused).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Where the sandbox sees the pipes' folder. */
export const LOG_FD_MOUNT = '/run/bootspec-log-fd';
/** The descriptor number the runtime is told, as Lambda's runtimes get a small inherited fd. */
export const LOG_FD_NUMBER = 3;
/** After the process ends, bytes it wrote are still in the pipe: read until it is quiet this long. */
const DRAIN_QUIET_MS = 30;

/** The host folder of one sandbox's pipes; remove() when the sandbox goes. */
export class LogFdFolder {
  readonly hostDir: string;
  #next = 0;

  constructor() {
    this.hostDir = mkdtempSync(join(tmpdir(), 'bootspec-log-fd-'));
    // The function's unprivileged user opens the pipes from inside the sandbox.
    chmodSync(this.hostDir, 0o755);
  }

  /** A fresh pipe for one process, read as it is written. */
  open(onLogFd: (chunk: Buffer | null, at: number) => void): LogFdPipe {
    this.#next += 1;
    return new LogFdPipe(this.hostDir, `fd-${this.#next}`, onLogFd);
  }

  remove(): void {
    rmSync(this.hostDir, { recursive: true, force: true });
  }
}

export class LogFdPipe {
  readonly containerPath: string;
  readonly #hostPath: string;
  readonly #socket: Socket;
  readonly #onLogFd: (chunk: Buffer | null, at: number) => void;
  #lastData = Date.now();
  #closed = false;

  constructor(hostDir: string, name: string, onLogFd: (chunk: Buffer | null, at: number) => void) {
    this.#hostPath = join(hostDir, name);
    this.containerPath = `${LOG_FD_MOUNT}/${name}`;
    this.#onLogFd = onLogFd;
    execFileSync('mkfifo', ['-m', '0666', this.#hostPath]);
    const fd = openSync(this.#hostPath, constants.O_RDWR | constants.O_NONBLOCK);
    this.#socket = new Socket({ fd, readable: true, writable: false });
    this.#socket.on('data', (chunk: Buffer) => {
      this.#lastData = Date.now();
      onLogFd(chunk, this.#lastData);
    });
    this.#socket.on('error', () => undefined);
  }

  /** argv that opens the pipe as fd 3, then runs `argv` in its place. */
  wrap(argv: string[]): string[] {
    return ['/bin/sh', '-c', `exec ${LOG_FD_NUMBER}>"$0"; exec "$@"`, this.containerPath, ...argv];
  }

  /** The process has ended: read what it left in the pipe, then report the end and close. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    do await sleep(DRAIN_QUIET_MS);
    while (Date.now() - this.#lastData < DRAIN_QUIET_MS);
    this.#socket.destroy();
    rmSync(this.#hostPath, { force: true });
    this.#onLogFd(null, Date.now());
  }
}
