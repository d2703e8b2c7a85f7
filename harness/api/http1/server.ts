/** The mock's HTTP/1.1 server on a plain TCP listener (see connection.ts for why not node:http). */
import { type Server, type Socket, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { BootspecError, ErrorCodes } from '../../errors.ts';
import { Connection } from './connection.ts';
import type { RequestListener } from './types.ts';

export class Http1Server {
  #server: Server;
  #connections = new Set<Connection>();

  private constructor(listener: RequestListener) {
    this.#server = createServer({ noDelay: true }, (socket: Socket) => {
      const conn = new Connection(socket, listener);
      this.#connections.add(conn);
      socket.once('close', () => this.#connections.delete(conn));
    });
  }

  /**
   * Listens on host:port (0 = a free port). A port in use is BOOTSPEC_ERR_PORT_IN_USE with the
   * caller's `inUseHint`; other listen errors are rejected as they are.
   */
  static async listen(host: string, port: number, listener: RequestListener, inUseHint: string): Promise<Http1Server> {
    const s = new Http1Server(listener);
    await new Promise<void>((resolve, reject) => {
      const failed = (err: NodeJS.ErrnoException) =>
        reject(err.code === 'EADDRINUSE' ? new BootspecError(ErrorCodes.PORT_IN_USE, `port ${port} on ${host} is in use`, { hint: inUseHint }) : err);
      s.#server.once('error', failed);
      s.#server.listen(port, host, () => {
        s.#server.off('error', failed);
        resolve();
      });
    });
    return s;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  get listening(): boolean {
    return this.#server.listening;
  }

  /** Stops listening and cuts every connection (parked long-polls included). */
  async close(): Promise<void> {
    if (!this.#server.listening) return;
    for (const c of this.#connections) c.destroy();
    this.#connections.clear();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
