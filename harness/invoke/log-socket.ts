/**
 * The log socket of a Lambda Managed Instances environment. There several invocations share one
 * process, so the platform names a Unix stream socket in `_LAMBDA_TELEMETRY_LOG_FD_PROVIDER_SOCKET`
 * and the runtime's workers connect to it and write their log records to it, one per line. The
 * clients do this in different ways:
 * - aws-lambda-ric 4.x `acquireSocketFd`/`SocketLogger` writes JSON lines with `\r` for the
 *   newlines inside a record.
 * - awslambdaric 4.x `MultiConcurrentRunner._redirect_output` dup2s stdout and stderr of every
 *   forked worker onto the socket.
 *
 * Each line is kept with its arrival time. A JSON record that names its invocation (`requestId`, or
 * `AWSRequestId` as the Java client writes it) belongs to that invocation: with several in flight,
 * the record's own id is the only way to tell whose it is. docs/requirements.md#concurrency
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The variable that names the socket to the runtime. */
export const LOG_SOCKET_VARIABLE = '_LAMBDA_TELEMETRY_LOG_FD_PROVIDER_SOCKET';
/** The socket's file name in its folder. */
export const LOG_SOCKET_NAME = 'log.sock';
/** A line longer than this is cut there (a runtime that never writes a newline must not grow memory without end). */
const MAX_LINE_BYTES = 256 * 1024;

/** The invocation a log line names, from a JSON record's `requestId` (or the Java client's `AWSRequestId`). */
export function requestIdOfLine(text: string): string | undefined {
  const t = text.trimStart();
  if (!t.startsWith('{')) return undefined;
  try {
    const v = JSON.parse(t) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    const o = v as Record<string, unknown>;
    const id = o.requestId ?? o.AWSRequestId;
    return typeof id === 'string' && id !== '' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** A Unix socket in its own host folder; every connection's lines go to `onLine`. */
export class LogSocket {
  readonly hostDir: string;
  readonly hostPath: string;
  /** Connections the runtime has opened, over the socket's life. */
  connections = 0;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #onLine: (text: string, at: number) => void;

  private constructor(hostDir: string, onLine: (text: string, at: number) => void) {
    this.hostDir = hostDir;
    this.hostPath = join(hostDir, LOG_SOCKET_NAME);
    this.#onLine = onLine;
    this.#server = createServer((s) => this.#accept(s));
  }

  /**
   * Listens in `dir` (a folder the sandbox can see, see EnvironmentSandbox.logSocketDir), or in a
   * fresh folder of its own.
   */
  static async open(onLine: (text: string, at: number) => void, dir?: string): Promise<LogSocket> {
    const hostDir = dir ?? mkdtempSync(join(tmpdir(), 'bootspec-log-socket-'));
    chmodSync(hostDir, 0o755);
    const s = new LogSocket(hostDir, onLine);
    rmSync(s.hostPath, { force: true });
    await new Promise<void>((resolve, reject) => {
      s.#server.once('error', reject);
      s.#server.listen(s.hostPath, () => {
        s.#server.off('error', reject);
        resolve();
      });
    });
    // The function's user (not root under the container driver) connects to it.
    chmodSync(s.hostPath, 0o666);
    return s;
  }

  #accept(socket: Socket): void {
    this.connections += 1;
    this.#sockets.add(socket);
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      const at = Date.now();
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let nl = pending.indexOf(0x0a);
      while (nl !== -1) {
        this.#line(pending.subarray(0, nl), at);
        pending = pending.subarray(nl + 1);
        nl = pending.indexOf(0x0a);
      }
      if (pending.length > MAX_LINE_BYTES) {
        this.#line(pending.subarray(0, MAX_LINE_BYTES), at);
        pending = Buffer.alloc(0);
      }
    });
    const end = () => {
      if (pending.length) this.#line(pending, Date.now());
      pending = Buffer.alloc(0);
      this.#sockets.delete(socket);
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', () => {});
  }

  #line(bytes: Buffer, at: number): void {
    const text = bytes.toString('utf8').replace(/\r$/, '');
    this.#onLine(text, at);
  }

  /** Where the runtime finds the socket: the same file as seen from inside its sandbox. */
  variable(sandboxDir: string): Record<string, string> {
    return { [LOG_SOCKET_VARIABLE]: `${sandboxDir}/${LOG_SOCKET_NAME}` };
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    rmSync(this.hostPath, { force: true });
  }
}
