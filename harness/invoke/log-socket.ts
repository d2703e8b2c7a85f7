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
import { chmodSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { splitLines } from '../drivers/lines.ts';

/** The variable that names the socket to the runtime. */
export const LOG_SOCKET_VARIABLE = '_LAMBDA_TELEMETRY_LOG_FD_PROVIDER_SOCKET';
/** The socket's file name in its folder. */
export const LOG_SOCKET_NAME = 'log.sock';

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

/** A Unix socket in a folder the sandbox can see; every connection's lines go to `onLine`. */
export class LogSocket {
  readonly hostPath: string;
  /** Connections the runtime has opened, over the socket's life. */
  connections = 0;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  private constructor(hostDir: string, onLine: (text: string, at: number) => void) {
    this.hostPath = join(hostDir, LOG_SOCKET_NAME);
    this.#server = createServer((socket) => {
      this.connections += 1;
      this.#sockets.add(socket);
      socket.on('error', () => {});
      // Lines as the runtime's stdout is read: '\n' only, '\r' kept, a runaway line cut.
      void splitLines(socket, onLine).then(() => this.#sockets.delete(socket));
    });
  }

  /** Listens in `hostDir` (EnvironmentSandbox.logSocketDir), which its owner removes. */
  static async open(hostDir: string, onLine: (text: string, at: number) => void): Promise<LogSocket> {
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
