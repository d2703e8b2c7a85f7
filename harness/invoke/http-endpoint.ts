import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBoundedBody } from '../api/body.ts';
import { BootspecError, ErrorCodes } from '../errors.ts';
import type { EnvironmentPool } from './pool.ts';
import type { InvocationRecord } from './types.ts';

/** The Invoke API's request limit for synchronous invokes (6 MB). */
export const MAX_REQUEST_PAYLOAD = 6 * 1024 * 1024;
/** Lambda returns at most the last 4 KB of logs in X-Amz-Log-Result. */
const LOG_TAIL_BYTES = 4096;

export interface InvokeEndpointOptions {
  pool: EnvironmentPool;
  functionName: string;
  host?: string;
  port?: number;
  onInvocation?: (record: InvocationRecord) => void;
}

/**
 * The AWS emulator's invoke endpoint, `POST /2015-03-31/functions/{function|name}/invocations`,
 * with what the emulator gets wrong done as Lambda does (SPEC.md §4.4, §11.3): X-Amz-Function-Error
 * on failures, timeouts and crashes as error bodies, 413 for oversized requests, log tails.
 */
export class InvokeEndpoint {
  readonly #server: Server;
  readonly #o: InvokeEndpointOptions;
  #address = '';

  private constructor(server: Server, o: InvokeEndpointOptions) {
    this.#server = server;
    this.#o = o;
  }

  static async start(o: InvokeEndpointOptions): Promise<InvokeEndpoint> {
    const server = createServer();
    const ep = new InvokeEndpoint(server, o);
    server.requestTimeout = 0;
    server.on('request', (req, res) => {
      ep.#handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { Type: 'Service', message: (err as Error).message });
        else res.destroy();
      });
    });
    const host = o.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          err.code === 'EADDRINUSE'
            ? new BootspecError(ErrorCodes.PORT_IN_USE, `port ${o.port} on ${host} is already in use`, {
                hint: `pick another with --port, or stop what listens there (ss -ltnp 'sport = :${o.port}')`,
              })
            : err,
        ),
      );
      server.listen(o.port ?? 0, host, () => resolve());
    });
    ep.#address = `${host}:${(server.address() as AddressInfo).port}`;
    return ep;
  }

  get address(): string {
    return this.#address;
  }

  get url(): string {
    return `http://${this.#address}/2015-03-31/functions/function/invocations`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] as string;
    const m = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(path);
    if (!m) return sendJson(res, 404, { Type: 'User', message: `Unknown path ${path}; POST /2015-03-31/functions/function/invocations` });
    if (req.method !== 'POST') return sendJson(res, 405, { Type: 'User', message: 'Use POST' });
    const name = decodeURIComponent(m[1] as string);
    if (name !== 'function' && name !== this.#o.functionName && !name.endsWith(`:function:${this.#o.functionName}`)) {
      return sendJson(res, 404, { Type: 'User', message: `Function not found: ${name} (this endpoint serves "function" and "${this.#o.functionName}")` });
    }
    const body = await readBoundedBody(req, MAX_REQUEST_PAYLOAD);
    if (body.kind === 'truncated') return void res.destroy();
    if (body.kind === 'too-large') {
      return sendJson(res, 413, { Type: 'User', message: `Request must be smaller than ${MAX_REQUEST_PAYLOAD} bytes for the InvokeFunction operation` });
    }
    const clientContext = decodeClientContext(header(req, 'x-amz-client-context'));
    if (clientContext instanceof Error) return sendJson(res, 400, { Type: 'User', message: clientContext.message });
    const trace = header(req, 'x-amzn-trace-id');
    const invocationType = header(req, 'x-amz-invocation-type') ?? 'RequestResponse';
    const opts = {
      event: body.body,
      contentType: header(req, 'content-type') ?? 'application/json',
      clientContext,
      ...(trace === undefined ? {} : { traceId: trace }),
    };
    if (invocationType === 'DryRun') return send(res, 204, {}, '');
    if (invocationType === 'Event') {
      void this.#o.pool.invoke(opts).then((r) => this.#o.onInvocation?.(r));
      return send(res, 202, {}, '');
    }
    if (invocationType !== 'RequestResponse') {
      return sendJson(res, 400, { Type: 'User', message: `X-Amz-Invocation-Type must be RequestResponse, Event or DryRun, not ${invocationType}` });
    }
    const record = await this.#o.pool.invoke(opts);
    this.#o.onInvocation?.(record);
    const headers: Record<string, string> = {
      'Content-Type': record.response.contentType,
      'X-Amz-Executed-Version': '$LATEST',
      'X-Amzn-RequestId': record.requestId,
    };
    if (record.response.functionError) headers['X-Amz-Function-Error'] = record.response.functionError;
    if (header(req, 'x-amz-log-type') === 'Tail') headers['X-Amz-Log-Result'] = logTail(record);
    send(res, 200, headers, record.response.payload);
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** X-Amz-Client-Context is base64 of a JSON object; the runtime gets the decoded JSON (SPEC.md §1.3). */
function decodeClientContext(value: string | undefined): string | null | Error {
  if (value === undefined || value === '') return null;
  const text = Buffer.from(value, 'base64').toString('utf8');
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return text;
  } catch {
    return new Error('Client context must be a valid Base64-encoded JSON object.');
  }
}

function logTail(r: InvocationRecord): string {
  const text = r.logs.map((l) => `${l.text}\n`).join('');
  const buf = Buffer.from(text, 'utf8');
  return buf.subarray(Math.max(0, buf.length - LOG_TAIL_BYTES)).toString('base64');
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer | string): void {
  res.writeHead(status, { ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, { 'Content-Type': 'application/json' }, JSON.stringify(value));
}
