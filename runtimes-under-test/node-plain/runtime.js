'use strict';
// A Lambda custom runtime in plain Node.js: node:http only, no npm packages.
// It is one of bootspec's reference runtimes, so it follows the contract digest closely:
// docs/requirements.md#next (Runtime API), §5.4 (trace id), §6 (context), §12 (checks).

const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const RUNTIME_API = process.env.AWS_LAMBDA_RUNTIME_API;
const TASK_ROOT = process.env.LAMBDA_TASK_ROOT || '/var/task';
const HANDLER = process.env._HANDLER;
const USER_AGENT = `bootspec-node-plain/1.0 node/${process.version}`;
// Connection-level failures of GET /next are retried this often (with a short backoff), then the
// runtime exits: a runtime must not spin when the API is gone (SPEC §12 item 37).
const NEXT_ATTEMPTS = 3;
const RETRY_BACKOFF_MS = 100;

// One keep-alive connection, like the AWS Node client (SPEC §1.1). No timeout anywhere: the
// sandbox may be frozen for any time while GET /next is pending (SPEC §1.3).
// In Lambda Managed Instances mode each worker loop holds a parked /next while others post, so
// each needs connections of its own.
const MAX_CONCURRENCY = workerCount();
const CONCURRENT = MAX_CONCURRENCY > 1 || process.env.AWS_LAMBDA_INITIALIZATION_TYPE === 'lambda-managed-instances';
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENT ? MAX_CONCURRENCY * 2 : 1 });

/**
 * How many invocations to serve at once: AWS_LAMBDA_MAX_CONCURRENCY in Managed Instances mode
 * (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-custom.html), else one.
 */
function workerCount() {
  const raw = process.env.AWS_LAMBDA_MAX_CONCURRENCY;
  const n = raw === undefined ? 1 : Number.parseInt(raw, 10);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

/** The invocation being handled, so a crash outside the handler's promise can still be reported. */
let current = null;
let phase = 'init';

/** One log line per message: newlines become CR, as the AWS clients do (SPEC §7.1). */
function log(message) {
  process.stderr.write(`[node-plain runtime] ${String(message).replace(/\n/g, '\r')}\n`);
}

function fatal(message) {
  log(`${message}; exiting`);
  process.exit(1);
}

function namedError(type, message) {
  const err = new Error(message);
  err.name = type;
  return err;
}

// ---------------------------------------------------------------------------------------------
// HTTP to the Runtime API

function sendOnce(method, apiPath, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `http://${RUNTIME_API}/2018-06-01${apiPath}`,
      { method, headers: { 'User-Agent': USER_AGENT, ...headers }, agent },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', (err) => {
      err.reusedSocket = req.reusedSocket;
      reject(err);
    });
    req.end(body);
  });
}

/**
 * One Runtime API call. A request that failed on a reused keep-alive socket (the server closed it
 * while idle) is retried once at once; other connection errors are retried `attempts - 1` times.
 */
async function call(method, apiPath, headers, body, attempts) {
  let staleRetried = false;
  for (let attempt = 1; ; ) {
    try {
      return await sendOnce(method, apiPath, headers, body);
    } catch (err) {
      if (err.reusedSocket && err.code === 'ECONNRESET' && !staleRetried) {
        staleRetried = true;
        continue;
      }
      if (attempt >= attempts) throw err;
      log(`${method} ${apiPath} failed (${err.code || err.message}), retrying`);
      await new Promise((resolve) => setTimeout(resolve, RETRY_BACKOFF_MS * attempt));
      attempt += 1;
    }
  }
}

function jsonBody(value) {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/** A header value Node will send and RAPID can use; anything else is left out. */
function headerSafe(value) {
  return typeof value === 'string' && /^[\x20-\x7e]{1,1024}$/.test(value) ? value : undefined;
}

function excerpt(buffer) {
  const text = buffer.toString('utf8');
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** What to do with the answer to /response, /error or /init/error (SPEC §12 item 19). */
function checkPostAnswer(what, res) {
  if (res.status >= 200 && res.status < 300) return;
  if (res.status === 413) {
    log(`${what} answered 413 (payload too large), the platform failed the invocation; going on: ${excerpt(res.body)}`);
    return;
  }
  if (res.status >= 400 && res.status < 500) {
    log(`${what} answered ${res.status}; going on: ${excerpt(res.body)}`);
    return;
  }
  fatal(`${what} answered ${res.status}: ${excerpt(res.body)}`);
}

async function post(what, apiPath, headers, body) {
  let res;
  try {
    res = await call('POST', apiPath, { 'Content-Length': String(body.length), ...headers }, body, 1);
  } catch (err) {
    // The next GET /next tells whether the API is really gone.
    log(`${what} failed: ${err.code || err.message}`);
    return;
  }
  checkPostAnswer(what, res);
}

// ---------------------------------------------------------------------------------------------
// Errors

function stackFrames(stack) {
  if (typeof stack !== 'string') return [];
  return stack
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/** The ErrorRequest body the docs recommend: {errorMessage, errorType, stackTrace} (SPEC §1.5). */
function errorRequest(err) {
  if (err !== null && typeof err === 'object' && typeof err.message === 'string') {
    const type = typeof err.name === 'string' && err.name.length > 0 ? err.name : 'Error';
    return { errorMessage: err.message, errorType: type, stackTrace: stackFrames(err.stack) };
  }
  return { errorMessage: String(err), errorType: 'Error', stackTrace: [] };
}

async function postInitError(err) {
  const body = errorRequest(err);
  log(`init failed: ${body.errorType}: ${body.errorMessage}`);
  await post('POST /runtime/init/error', '/runtime/init/error', {
    'Content-Type': 'application/json',
    'Lambda-Runtime-Function-Error-Type': headerSafe(body.errorType) ?? 'Runtime.Unknown',
  }, jsonBody(body));
}

function resultHeaders(invocation, contentType) {
  const headers = { 'Content-Type': contentType };
  // Echo the per-invoke nonce only when /next sent one (SPEC §1.8).
  if (invocation.invocationId !== undefined) headers['Lambda-Runtime-Invocation-Id'] = invocation.invocationId;
  return headers;
}

function invocationPath(invocation, what) {
  return `/runtime/invocation/${encodeURIComponent(invocation.requestId)}/${what}`;
}

async function postResponse(invocation, body) {
  invocation.answered = true;
  await post('POST /response', invocationPath(invocation, 'response'), resultHeaders(invocation, 'application/json'), body);
}

async function postInvocationError(invocation, err) {
  invocation.answered = true;
  const body = errorRequest(err);
  log(`invocation ${invocation.requestId} failed: ${body.errorType}: ${body.errorMessage}`);
  const headers = resultHeaders(invocation, 'application/json');
  const type = headerSafe(body.errorType);
  if (type !== undefined) headers['Lambda-Runtime-Function-Error-Type'] = type;
  await post('POST /error', invocationPath(invocation, 'error'), headers, jsonBody(body));
}

// ---------------------------------------------------------------------------------------------
// Handler resolution (feature `handler-lookup`): `_HANDLER` is `path/to/module.export[.nested]`,
// resolved against LAMBDA_TASK_ROOT at init, like the AWS Node client.

function splitHandler(handler) {
  if (typeof handler !== 'string' || handler.length === 0) {
    throw namedError('Runtime.MalformedHandlerName', '_HANDLER is not set');
  }
  const slash = handler.lastIndexOf('/');
  const dir = handler.slice(0, slash + 1);
  const tail = handler.slice(slash + 1);
  const dot = tail.indexOf('.');
  if (dot <= 0 || dot === tail.length - 1) {
    throw namedError('Runtime.MalformedHandlerName', `Bad handler ${handler}: expected module.function`);
  }
  return { modulePath: dir + tail.slice(0, dot), exportPath: tail.slice(dot + 1).split('.') };
}

function findModuleFile(root, modulePath) {
  const base = path.resolve(root, modulePath);
  for (const ext of ['.js', '.mjs', '.cjs']) {
    if (fs.existsSync(base + ext)) return base + ext;
  }
  return undefined;
}

async function loadModule(file) {
  if (file.endsWith('.mjs')) return import(pathToFileURL(file).href);
  try {
    return require(file);
  } catch (err) {
    if (err && err.code === 'ERR_REQUIRE_ESM') return import(pathToFileURL(file).href);
    throw err;
  }
}

async function loadHandler(root, handler) {
  const { modulePath, exportPath } = splitHandler(handler);
  const file = findModuleFile(root, modulePath);
  if (file === undefined) {
    throw namedError('Runtime.ImportModuleError', `Error: Cannot find module '${modulePath}' in ${root} (tried .js, .mjs, .cjs)`);
  }
  let exported;
  try {
    exported = await loadModule(file);
  } catch (err) {
    if (err instanceof SyntaxError) throw namedError('Runtime.UserCodeSyntaxError', `${err.name}: ${err.message}`);
    if (err && err.code === 'MODULE_NOT_FOUND') throw namedError('Runtime.ImportModuleError', `Error: ${err.message}`);
    throw err; // the function's own init error, e.g. ProbeInitError, keeps its type
  }
  let fn = exported;
  for (const key of exportPath) fn = fn == null ? undefined : fn[key];
  if (typeof fn !== 'function' && exported && typeof exported.default === 'object') {
    // an ES module importing a CommonJS one puts module.exports on `default`
    fn = exported.default;
    for (const key of exportPath) fn = fn == null ? undefined : fn[key];
  }
  if (typeof fn !== 'function') {
    throw namedError('Runtime.HandlerNotFound', `${handler} is undefined or not exported`);
  }
  return fn;
}

// ---------------------------------------------------------------------------------------------
// One invocation

function parseJsonHeader(headers, name) {
  const raw = headers[name.toLowerCase()];
  if (raw === undefined) return null;
  try {
    return JSON.parse(raw);
  } catch (err) {
    // A malformed header fails this invocation only (SPEC §6, §12 item 17).
    throw namedError('Runtime.LambdaContextUnmarshalError', `${name} is not valid JSON: ${err.message}`);
  }
}

function envOrNull(name) {
  const value = process.env[name];
  return value === undefined ? null : value;
}

function buildContext(invocation, headers) {
  const deadlineMs = Number(headers['lambda-runtime-deadline-ms']);
  const memory = process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE;
  return {
    awsRequestId: invocation.requestId,
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'] ?? null,
    functionName: envOrNull('AWS_LAMBDA_FUNCTION_NAME'),
    functionVersion: envOrNull('AWS_LAMBDA_FUNCTION_VERSION'),
    memoryLimitInMB: memory === undefined ? null : memory,
    logGroupName: envOrNull('AWS_LAMBDA_LOG_GROUP_NAME'),
    logStreamName: envOrNull('AWS_LAMBDA_LOG_STREAM_NAME'),
    clientContext: parseJsonHeader(headers, 'Lambda-Runtime-Client-Context'),
    identity: parseJsonHeader(headers, 'Lambda-Runtime-Cognito-Identity'),
    tenantId: headers['lambda-runtime-aws-tenant-id'] ?? null,
    deadlineMs: Number.isFinite(deadlineMs) ? deadlineMs : null,
    getRemainingTimeInMillis() {
      return Number.isFinite(deadlineMs) ? deadlineMs - Date.now() : null;
    },
  };
}

/** `_X_AMZN_TRACE_ID` is the runtime's job on provided.* (SPEC §5.4): set per invoke, unset when absent. */
function forwardTrace(headers) {
  // One process-wide variable cannot hold the traces of several invocations at once: with
  // concurrency it stays unset, as aws-lambda-go leaves it.
  if (CONCURRENT) return;
  const trace = headers['lambda-runtime-trace-id'];
  if (trace === undefined) delete process.env._X_AMZN_TRACE_ID;
  else process.env._X_AMZN_TRACE_ID = trace;
}

function parseEvent(body) {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw namedError('Runtime.UnmarshalError', `the event is not valid JSON: ${err.message}`);
  }
}

/** Supports async handlers and callback-style `(event, context, callback)` ones. */
function callHandler(fn, event, context) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const succeed = (value) => {
      if (!settled) {
        settled = true;
        resolve(value);
      }
    };
    const fail = (err) => {
      if (!settled) {
        settled = true;
        reject(err);
      }
    };
    const callback = (err, value) => (err === undefined || err === null ? succeed(value) : fail(err));
    let returned;
    try {
      returned = fn(event, context, callback);
    } catch (err) {
      fail(err);
      return;
    }
    if (returned !== null && typeof returned === 'object' && typeof returned.then === 'function') {
      returned.then(succeed, (err) => fail(err === undefined || err === null ? new Error(`handler rejected with ${err}`) : err));
    } else if (fn.length < 3) {
      succeed(returned);
    }
  });
}

function serializeResult(result) {
  let text;
  try {
    text = JSON.stringify(result === undefined ? null : result);
  } catch (err) {
    throw namedError('Runtime.MarshalError', `the result is not JSON-serialisable: ${err.message}`);
  }
  return Buffer.from(text === undefined ? 'null' : text, 'utf8');
}

// ---------------------------------------------------------------------------------------------
// Response streaming (docs/probe-contract.md, the `stream` op): the same surface as the AWS Node
// client's globals, `awslambda.streamifyResponse(handler)` and `awslambda.HttpResponseStream.from`
// (https://docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html).

const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HTTP_INTEGRATION = 'application/vnd.awslambda.http-integration-response';
const ERROR_TYPE_TRAILER = 'Lambda-Runtime-Function-Error-Type';
const ERROR_BODY_TRAILER = 'Lambda-Runtime-Function-Error-Body';

globalThis.awslambda = {
  streamifyResponse(fn) {
    fn[STREAMING] = true;
    return fn;
  },
  HttpResponseStream: {
    /** Writes the prelude and its 8-NUL delimiter before the first body bytes. */
    from(stream, prelude) {
      stream.setContentType(HTTP_INTEGRATION);
      stream.write(Buffer.concat([Buffer.from(JSON.stringify(prelude ?? {}), 'utf8'), Buffer.alloc(8)]));
      return stream;
    },
  },
};

/**
 * The handler's response stream: POST /response opens at the first write (so the content type can
 * still be set), each write goes out as one chunk, and a failure after the first byte travels in
 * the declared trailers (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-custom.html#runtimes-custom-response-streaming).
 */
class ResponseStream {
  constructor(invocation) {
    this.invocation = invocation;
    this.contentType = 'application/octet-stream';
    this.req = null;
    this.answer = null;
    this.ended = false;
  }

  get started() {
    return this.req !== null;
  }

  setContentType(contentType) {
    if (!this.started) this.contentType = contentType;
  }

  #open() {
    this.invocation.answered = true;
    const headers = {
      ...resultHeaders(this.invocation, this.contentType),
      'User-Agent': USER_AGENT,
      'Lambda-Runtime-Function-Response-Mode': 'streaming',
      'Transfer-Encoding': 'chunked',
      Trailer: `${ERROR_TYPE_TRAILER}, ${ERROR_BODY_TRAILER}`,
    };
    // Its own connection: the stream may be cut (413 at the size limit), the keep-alive one stays good.
    this.req = http.request(`http://${RUNTIME_API}/2018-06-01${invocationPath(this.invocation, 'response')}`, { method: 'POST', headers, agent: false });
    this.answer = new Promise((resolve) => {
      this.req.on('response', (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', () => resolve(null));
      });
      this.req.on('error', (err) => {
        log(`streamed POST /response failed: ${err.code || err.message}`);
        resolve(null);
      });
    });
    this.req.flushHeaders();
  }

  write(chunk) {
    if (this.ended) return false;
    if (!this.started) this.#open();
    return this.req.write(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  }

  /** Ends the stream; with an error, the error travels in the trailers. */
  async end(err) {
    if (this.ended) return;
    this.ended = true;
    if (!this.started) this.#open();
    if (err !== undefined) {
      const body = errorRequest(err);
      log(`invocation ${this.invocation.requestId} failed mid-stream: ${body.errorType}: ${body.errorMessage}`);
      this.req.addTrailers({
        [ERROR_TYPE_TRAILER]: headerSafe(body.errorType) ?? 'Runtime.Unknown',
        [ERROR_BODY_TRAILER]: jsonBody(body).toString('base64'),
      });
    }
    this.req.end();
    const res = await this.answer;
    if (res !== null) checkPostAnswer('streamed POST /response', res);
  }
}

/** A streamified handler: `(event, responseStream, context)`; a failure before any byte goes to /error. */
async function runStreamingHandler(fn, invocation, event, context) {
  const stream = new ResponseStream(invocation);
  try {
    await fn(event, stream, context);
  } catch (err) {
    if (!stream.started) {
      invocation.answered = false;
      await postInvocationError(invocation, err);
      return;
    }
    await stream.end(err);
    return;
  }
  await stream.end();
}

async function nextInvocation() {
  let res;
  try {
    res = await call('GET', '/runtime/invocation/next', {}, undefined, NEXT_ATTEMPTS);
  } catch (err) {
    fatal(`GET /runtime/invocation/next failed: ${err.code || err.message}`);
  }
  // 500 means "runtime should exit promptly"; 403 means the state machine refuses us (SPEC §1.3).
  if (res.status !== 200) fatal(`GET /runtime/invocation/next answered ${res.status}: ${excerpt(res.body)}`);
  const requestId = res.headers['lambda-runtime-aws-request-id'];
  if (requestId === undefined || requestId === '') fatal('GET /runtime/invocation/next gave no Lambda-Runtime-Aws-Request-Id');
  return res;
}

async function runInvocation(handler, next) {
  const invocation = {
    requestId: next.headers['lambda-runtime-aws-request-id'],
    invocationId: next.headers['lambda-runtime-invocation-id'],
    answered: false,
  };
  current = invocation;
  forwardTrace(next.headers);
  let body;
  try {
    const context = buildContext(invocation, next.headers);
    const event = parseEvent(next.body);
    if (handler[STREAMING]) return await runStreamingHandler(handler, invocation, event, context);
    body = serializeResult(await callHandler(handler, event, context));
  } catch (err) {
    if (!invocation.answered) await postInvocationError(invocation, err);
    return;
  } finally {
    current = null;
  }
  if (!invocation.answered) await postResponse(invocation, body);
}

// ---------------------------------------------------------------------------------------------
// Crashes outside the handler's promise (a throw in a timer, an unhandled rejection)

async function crash(err) {
  if (phase === 'init') {
    await postInitError(err);
  } else if (current !== null && !current.answered) {
    await postInvocationError(current, err);
  } else {
    log(`uncaught error: ${errorRequest(err).errorType}: ${errorRequest(err).errorMessage}`);
  }
  process.exit(1);
}

async function main() {
  if (!RUNTIME_API) {
    log('AWS_LAMBDA_RUNTIME_API is not set; exiting');
    process.exit(1);
  }
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  let handler;
  try {
    handler = await loadHandler(TASK_ROOT, HANDLER);
  } catch (err) {
    await postInitError(err);
    process.exit(1);
  }
  phase = 'invoke';
  // Managed Instances: MAX_CONCURRENCY independent loops, each with its own /next and its own
  // invocation state (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-custom.html).
  const loops = Array.from({ length: CONCURRENT ? MAX_CONCURRENCY : 1 }, () => serve(handler));
  await Promise.all(loops);
}

async function serve(handler) {
  for (;;) {
    const next = await nextInvocation();
    await runInvocation(handler, next);
  }
}

main();
