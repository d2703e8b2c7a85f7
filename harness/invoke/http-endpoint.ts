import { Http1Server } from '../api/http1/server.ts';
import type { BodyResult, Http1Request, Http1Response, RequestListener } from '../api/http1/types.ts';
import { ErrorCodes, isBootspecError } from '../errors.ts';
import { checkInvokeRequest, logTail, MAX_REQUEST_PAYLOAD } from './invoke-request.ts';
import type { EnvironmentPool } from './pool.ts';
import { RieStreamRelay } from './stream/rie-relay.ts';
import { STREAM_INVOKE_PATH, answerStreamingInvocation } from './stream/stream-invoke.ts';
import type { InvocationRecord, InvokeOptions } from './types.ts';

export { MAX_REQUEST_PAYLOAD } from './invoke-request.ts';

export interface InvokeEndpointOptions {
  pool: EnvironmentPool;
  functionName: string;
  host?: string;
  port?: number;
  onInvocation?: (record: InvocationRecord) => void;
  /** Gets every request that is not an invoke of this function (the Lambda control plane, on the same port). */
  fallback?: RequestListener;
}

/**
 * The AWS emulator's invoke endpoint, `POST /2015-03-31/functions/{function|name}/invocations`,
 * with what the emulator gets wrong done as Lambda does (docs/requirements.md#errors): X-Amz-Function-Error
 * on failures, timeouts and crashes as error bodies, 413 for oversized requests, log tails.
 */
export class InvokeEndpoint {
  #server: Http1Server | undefined;
  readonly #o: InvokeEndpointOptions;
  #address = '';

  private constructor(o: InvokeEndpointOptions) {
    this.#o = o;
  }

  /** Served by the mock's own HTTP/1.1 transport: the endpoint is on every `serve` invoke's path too. */
  static async start(o: InvokeEndpointOptions): Promise<InvokeEndpoint> {
    const ep = new InvokeEndpoint(o);
    const host = o.host ?? '127.0.0.1';
    const listener = (req: Http1Request, res: Http1Response) => {
      ep.#handle(req, res).catch((err: unknown) => {
        if (!res.answered) sendJson(res, 500, { Type: 'Service', message: (err as Error).message });
        else res.destroy();
      });
    };
    const inUse = `pick another with --port, or stop what listens there (ss -ltnp 'sport = :${o.port}')`;
    ep.#server = await Http1Server.listen(host, o.port ?? 0, listener, inUse);
    ep.#address = `${host}:${ep.#server.port}`;
    return ep;
  }

  get address(): string {
    return this.#address;
  }

  get url(): string {
    return `http://${this.#address}/2015-03-31/functions/function/invocations`;
  }

  async close(): Promise<void> {
    await this.#server?.close();
  }

  #serves(name: string): boolean {
    return name === 'function' || name === this.#o.functionName || name.endsWith(`:function:${this.#o.functionName}`);
  }

  async #handle(req: Http1Request, res: Http1Response): Promise<void> {
    const path = req.url.split('?')[0] as string;
    const streamed = STREAM_INVOKE_PATH.exec(path);
    if (streamed && req.method === 'POST' && this.#serves(decodeURIComponent(streamed[1] as string))) {
      return answerStreamingInvocation(req, res, await req.readBody(MAX_REQUEST_PAYLOAD), this.#o.pool, this.#o.onInvocation);
    }
    const m = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(path);
    const name = m ? decodeURIComponent(m[1] as string) : undefined;
    const ours = name !== undefined && this.#serves(name);
    if (this.#o.fallback && !(ours && req.method === 'POST')) return this.#o.fallback(req, res);
    // The body must be asked for in this callback; every answer below waits for it to be read.
    const reading = req.readBody(MAX_REQUEST_PAYLOAD);
    if (!m) return sendJson(res, 404, { Type: 'User', message: `Unknown path ${path}; POST /2015-03-31/functions/function/invocations` });
    if (req.method !== 'POST') return sendJson(res, 405, { Type: 'User', message: 'Use POST' });
    if (!ours) {
      return sendJson(res, 404, { Type: 'User', message: `Function not found: ${name} (this endpoint serves "function" and "${this.#o.functionName}")` });
    }
    await answerInvocation(req, res, await reading, this.#o.pool, this.#o.onInvocation);
  }
}

/**
 * Runs one Invoke API request on `pool` and answers it as Lambda does; shared by this endpoint and
 * the control plane's Invoke. `body` is the request body, read with MAX_REQUEST_PAYLOAD as the limit.
 */
export async function answerInvocation(
  req: Http1Request,
  res: Http1Response,
  body: BodyResult,
  pool: EnvironmentPool,
  onInvocation?: (record: InvocationRecord) => void,
): Promise<void> {
  const checked = checkInvokeRequest(req, body);
  if (checked.kind === 'drop') return void res.destroy();
  if (checked.kind === 'refused') return sendJson(res, checked.status, { Type: 'User', message: checked.message });
  const { event, clientContext, tenantId, invocationType } = checked;
  const trace = req.headers['x-amzn-trace-id'];
  // One object shape for every request (buildRequest runs per invoke; varying shapes slow it down).
  const opts: InvokeOptions = {
    event,
    contentType: req.headers['content-type'] ?? 'application/json',
    clientContext,
    tenantId,
    traceId: trace,
    onResponse: undefined,
    responseStream: undefined,
  };
  if (invocationType === 'DryRun') return send(res, 204, {}, '');
  if (invocationType === 'Event') {
    void pool.invoke(opts).then((r) => onInvocation?.(r));
    return send(res, 202, {}, '');
  }
  if (invocationType !== 'RequestResponse') {
    return sendJson(res, 400, { Type: 'User', message: `X-Amz-Invocation-Type must be RequestResponse, Event or DryRun, not ${invocationType}` });
  }
  const tail = req.headers['x-amz-log-type'] === 'Tail';
  // Answered as soon as the runtime posts its result, as Lambda does; a log tail needs the
  // invocation's end (its END and REPORT lines), so that answer waits for the record.
  // A member assignment: a named closure would cost a defineProperty per request under tsx.
  if (!tail) opts.onResponse = (id, response) => answerInvoke(res, id, response, undefined);
  // A runtime that streams is relayed as the emulator relays it: chunked, as its bytes arrive.
  const relay = tail ? undefined : new RieStreamRelay(res);
  if (relay) opts.responseStream = relay.options;
  let record: InvocationRecord;
  try {
    record = await pool.invoke(opts);
  } catch (err) {
    // Managed Instances: every worker busy. Lambda throttles with 429 TooManyRequestsException
    // (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html).
    if (!isBootspecError(err) || err.code !== ErrorCodes.LAMBDA_TOO_MANY_REQUESTS) throw err;
    res.send(429, ['Content-Type', 'application/json', 'X-Amzn-ErrorType', 'TooManyRequestsException'], JSON.stringify({ Reason: 'ConcurrentInvocationLimitExceeded', Type: 'User', message: err.message }));
    return;
  }
  relay?.complete(record);
  onInvocation?.(record);
  if (!res.answered) answerInvoke(res, record.requestId, record.response, tail ? logTail(record) : undefined);
}

function answerInvoke(res: Http1Response, requestId: string, response: InvocationRecord['response'], logResult: string | undefined): void {
  const headers = ['Content-Type', response.contentType, 'X-Amz-Executed-Version', '$LATEST', 'X-Amzn-RequestId', requestId];
  if (response.functionError) headers.push('X-Amz-Function-Error', response.functionError);
  if (logResult !== undefined) headers.push('X-Amz-Log-Result', logResult);
  res.send(200, headers, response.payload);
}

function send(res: Http1Response, status: number, headers: Record<string, string>, body: Buffer | string): void {
  res.send(status, Object.entries(headers).flat(), body);
}

function sendJson(res: Http1Response, status: number, value: unknown): void {
  send(res, status, { 'Content-Type': 'application/json' }, JSON.stringify(value));
}
