/**
 * The Lambda control plane on loopback: the Layers API, the functions API, Invoke and
 * InvokeWithResponseStream at Lambda's REST paths, so that unmodified AWS clients work against it
 * with --endpoint-url. It serves on the mock's own HTTP/1.1 transport (bodies up to the 50 MB zip
 * limit, base64 in JSON, are read whole within a bound, as every other body there), alone or behind
 * `serve`'s invoke endpoint.
 */
import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { Http1Server } from '../api/http1/server.ts';
import type { Http1Request, Http1Response, RequestListener } from '../api/http1/types.ts';
import { BOOTSTRAP_NOT_FOUND_MESSAGE } from '../environment/bootstrap.ts';
import { ErrorCodes, isBootspecError } from '../errors.ts';
import { answerInvocation, MAX_REQUEST_PAYLOAD } from '../invoke/http-endpoint.ts';
import { answerStreamingFailure, answerStreamingInvocation, STREAM_INVOKE_PATH } from '../invoke/stream/stream-invoke.ts';
import { LAMBDA_ERRORS, invalidParameter, requestTooLarge } from '../layers/lambda-errors.ts';
import type { Caller } from '../layers/types.ts';
import { callerOf, DEFAULT_ACCOUNT, DEFAULT_REGION } from './caller.ts';
import { checkDownload } from './downloads.ts';
import { FunctionRegistry } from './functions.ts';
import { INVOKE_PATH, match, type RouteContext } from './router.ts';
import type { ApiRequest, ApiResponse, ControlPlaneOptions } from './types.ts';

/** A 50 MB zip in base64 inside JSON: Lambda's own request limit for CreateFunction and PublishLayerVersion. */
export const MAX_JSON_REQUEST = 69_905_067;
const BLOB_PATH = /^\/bootspec\/blobs\/([0-9a-f]{64})\.zip$/;

export class ControlPlane {
  readonly #o: ControlPlaneOptions;
  readonly functions: FunctionRegistry;
  readonly #context: RouteContext;
  #server: Http1Server | undefined;

  constructor(o: ControlPlaneOptions) {
    this.#o = o;
    this.functions = new FunctionRegistry(o);
    this.#context = { store: o.store, functions: this.functions };
  }

  /** Listens on its own (no runtime is served beside it). */
  async listen(host: string, port: number): Promise<number> {
    const inUse = `pick another with --port, or stop what listens there (ss -ltnp 'sport = :${port}')`;
    this.#server = await Http1Server.listen(host, port, this.listener, inUse);
    return this.#server.port;
  }

  /** Stops listening, closes every function's environments and removes the work folder. */
  async close(): Promise<void> {
    await this.#server?.close();
    await this.functions.close();
    await rm(this.#o.workDir, { recursive: true, force: true });
  }

  /** The request listener, for a server of its own or as another endpoint's fallback. */
  readonly listener: RequestListener = (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const caller = callerOf(req.headers.authorization, this.#o.accounts ?? new Map(), {
      account: this.#o.defaultAccount ?? DEFAULT_ACCOUNT,
      region: this.#o.defaultRegion ?? DEFAULT_REGION,
    });
    const invoke = INVOKE_PATH.exec(url.pathname);
    // Every body is asked for here, in the request callback, as the transport requires.
    if (invoke && req.method === 'POST') {
      const reading = req.readBody(MAX_REQUEST_PAYLOAD);
      void this.#invoke(req, res, caller, decodeURIComponent(invoke[1] as string), reading, false).catch((err: unknown) => sendError(res, err, 'Invoke'));
      return;
    }
    // InvokeWithResponseStream: the same function environments, answered as an event stream.
    const streamed = STREAM_INVOKE_PATH.exec(url.pathname);
    if (streamed && req.method === 'POST') {
      const reading = req.readBody(MAX_REQUEST_PAYLOAD);
      void this.#invoke(req, res, caller, decodeURIComponent(streamed[1] as string), reading, true).catch((err: unknown) => sendError(res, err, 'InvokeWithResponseStream'));
      return;
    }
    const reading = req.readBody(MAX_JSON_REQUEST);
    const found = match(req.method, url.pathname);
    const operation = found?.route.operation ?? 'Unknown';
    void (async () => {
      const body = await reading;
      if (body.kind === 'truncated') return res.destroy();
      if (body.kind === 'too-large') throw requestTooLarge(`Request must be smaller than ${MAX_JSON_REQUEST} bytes for the ${operation} operation`, 'direct uploads are limited to 50 MB zipped');
      const blob = BLOB_PATH.exec(url.pathname);
      if (blob && req.method === 'GET') return this.#download(res, blob[1] as string, url.searchParams);
      if (!found) return sendUnknown(res, req.method, url.pathname);
      const request: ApiRequest = { req, caller, params: found.params, query: url.searchParams, json: parseJson(body.body), origin: `http://${req.headers.host ?? 'localhost'}` };
      send(res, await found.route.handle(this.#context, request));
    })().catch((err: unknown) => sendError(res, err, operation));
  };

  async #invoke(req: Http1Request, res: Http1Response, caller: Caller, name: string, reading: ReturnType<Http1Request['readBody']>, streaming: boolean): Promise<void> {
    const qualifier = new URL(req.url, 'http://localhost').searchParams.get('Qualifier');
    const f = this.functions.find(caller, qualifier === null ? name : `${name}:${qualifier}`);
    let pool: Awaited<ReturnType<FunctionRegistry['pool']>>;
    try {
      pool = await this.functions.pool(f);
    } catch (err) {
      // No bootstrap in the function or its layers: Lambda reports it as the invocation's error.
      if (isBootspecError(err, ErrorCodes.BOOTSTRAP_NOT_FOUND) || isBootspecError(err, ErrorCodes.BOOTSTRAP_NOT_EXECUTABLE)) {
        await reading;
        const id = randomUUID();
        const payload = JSON.stringify({ errorType: 'Runtime.InvalidEntrypoint', errorMessage: `RequestId: ${id} Error: ${isBootspecError(err, ErrorCodes.BOOTSTRAP_NOT_FOUND) ? BOOTSTRAP_NOT_FOUND_MESSAGE : (err as Error).message}` });
        if (streaming) return answerStreamingFailure(res, id, 'Runtime.InvalidEntrypoint', payload);
        res.send(200, ['Content-Type', 'application/json', 'X-Amz-Executed-Version', '$LATEST', 'X-Amzn-RequestId', id, 'X-Amz-Function-Error', 'Unhandled'], payload);
        return;
      }
      throw err;
    }
    if (streaming) return answerStreamingInvocation(req, res, await reading, pool);
    await answerInvocation(req, res, await reading, pool);
  }

  async #download(res: Http1Response, sha256: string, query: URLSearchParams): Promise<void> {
    if (!checkDownload(sha256, query)) {
      res.send(403, ['Content-Type', 'application/xml'], '<Error><Code>AccessDenied</Code><Message>Request has expired or the signature does not match</Message></Error>');
      return;
    }
    for (const file of [this.#o.store.blobPath(sha256), path.join(this.#o.workDir, 'code', `${sha256}.zip`)]) {
      const data = await readFile(file).catch(() => undefined);
      if (data) return res.send(200, ['Content-Type', 'application/zip'], data);
    }
    res.send(404, ['Content-Type', 'application/xml'], '<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>');
  }
}

function parseJson(body: Buffer): Record<string, unknown> | undefined {
  if (body.length === 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw invalidParameter('Could not parse request body into json: the body is not valid JSON', 'send a JSON object, as the AWS clients do');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidParameter('Could not parse request body into json: expected a JSON object');
  return value as Record<string, unknown>;
}

function send(res: Http1Response, out: ApiResponse): void {
  const id = randomUUID();
  if (out.body === undefined) return res.send(out.status, ['x-amzn-RequestId', id], '');
  res.send(out.status, ['Content-Type', 'application/json', 'x-amzn-RequestId', id], JSON.stringify(out.body));
}

/** Lambda's error answer: the type in x-amzn-ErrorType and in the body's Type/message members. */
function sendError(res: Http1Response, err: unknown, operation: string): void {
  if (res.answered) return res.destroy();
  const shape = isBootspecError(err) ? LAMBDA_ERRORS[err.code] : undefined;
  const type = shape?.type ?? 'ServiceException';
  const status = shape?.status ?? 500;
  const message = shape ? (err as Error).message : `bootspec failed in ${operation}: ${(err as Error)?.message ?? String(err)}`;
  const body = { Type: status >= 500 ? 'Service' : 'User', [shape?.messageKey ?? 'Message']: message };
  res.send(status, ['Content-Type', 'application/json', 'x-amzn-ErrorType', type, 'x-amzn-RequestId', randomUUID()], JSON.stringify(body));
}

function sendUnknown(res: Http1Response, method: string, path: string): void {
  res.send(404, ['Content-Type', 'application/json', 'x-amzn-ErrorType', 'UnknownOperationException', 'x-amzn-RequestId', randomUUID()], JSON.stringify({ Type: 'User', message: `Unknown operation: ${method} ${path}` }));
}
