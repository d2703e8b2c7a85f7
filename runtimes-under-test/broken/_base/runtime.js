'use strict';
// bootspec's known-bad runtime: a copy of the node-plain reference runtime with one defect switched
// on by BROKEN=<name> (see defects.js and runtimes-under-test/broken/README.md). Every deviation from
// node-plain is a branch marked `// DEFECT <name>`; with BROKEN unset this runtime is node-plain.
// docs/requirements.md#next (Runtime API), §5.4 (trace id), §6 (context), §12 (checks).

const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { randomUUID } = require('node:crypto');
const { AsyncLocalStorage } = require('node:async_hooks');
const defects = require('./defects.js');
const logs = require('./logs.js');
const snapstart = require('./snapstart.js');

const { defect } = defects;

// DEFECT hardcoded-endpoint: the address Lambda happens to use, not the one it was given.
const RUNTIME_API = defect === 'hardcoded-endpoint' ? '127.0.0.1:9001' : process.env.AWS_LAMBDA_RUNTIME_API;
const TASK_ROOT = process.env.LAMBDA_TASK_ROOT || '/var/task';
const HANDLER = process.env._HANDLER;
const USER_AGENT = `bootspec-broken/1.0 node/${process.version}`;
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
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENT ? MAX_CONCURRENCY * 2 + 2 : 1 });

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
/** Managed Instances: the invocation a handler's code runs for, whatever else is in flight. */
const handling = new AsyncLocalStorage();
/**
 * Whose records the logger writes: the handler's own invocation when several run at once, else the
 * one in flight. DEFECT concurrent-logs-shared-id: the newest delivered one, for every handler.
 */
const logOwner = () => (CONCURRENT && defect !== 'concurrent-logs-shared-id' ? handling.getStore() : current);
let phase = 'init';

/** One log line per message: newlines become CR, as the AWS clients do (SPEC §7.1). */
function log(message) {
  process.stderr.write(`[broken runtime] ${String(message).replace(/\n/g, '\r')}\n`);
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

function sendOnce(method, apiPath, headers, body, clientTimeoutMs) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `http://${RUNTIME_API}/2018-06-01${apiPath}`,
      { method, headers: { 'User-Agent': USER_AGENT, ...headers }, agent },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', (err) => {
      clearTimeout(timer);
      err.reusedSocket = req.reusedSocket;
      reject(err);
    });
    // Only DEFECT next-client-timeout passes a client timeout.
    const timer =
      clientTimeoutMs === undefined
        ? undefined
        : setTimeout(() => req.destroy(Object.assign(new Error(`no answer within ${clientTimeoutMs} ms`), { code: 'CLIENT_TIMEOUT' })), clientTimeoutMs);
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
    // DEFECT dies-on-413: treats "too large" as fatal instead of going on to /next.
    if (defect === 'dies-on-413' && what === 'POST /response') fatal(`${what} answered 413`);
    log(`${what} answered 413 (payload too large), the platform failed the invocation; going on: ${excerpt(res.body)}`);
    return;
  }
  // DEFECT dies-on-410: a late post's 410 InvokeTimeout taken for a fatal answer.
  if (defect === 'dies-on-410' && res.status === 410) fatal(`${what} answered 410`);
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

async function postInitError(err, errorTypeHeader) {
  const body = errorRequest(err);
  log(`init failed: ${body.errorType}: ${body.errorMessage}`);
  // DEFECT init-error-silent: says nothing to the Runtime API.
  if (defect === 'init-error-silent') return;
  // DEFECT init-error-text-body: a text body instead of an ErrorRequest.
  if (defect === 'init-error-text-body') {
    await post('POST /runtime/init/error', '/runtime/init/error', { 'Content-Type': 'text/plain' }, Buffer.from('init failed'));
    return;
  }
  await post('POST /runtime/init/error', '/runtime/init/error', {
    'Content-Type': 'application/json',
    'Lambda-Runtime-Function-Error-Type': errorTypeHeader ?? headerSafe(body.errorType) ?? 'Runtime.Unknown',
  }, jsonBody(body));
}

function resultHeaders(invocation, contentType) {
  const headers = { 'Content-Type': contentType };
  // Echo the per-invoke nonce only when /next sent one (SPEC §1.8).
  if (invocation.invocationId !== undefined) headers['Lambda-Runtime-Invocation-Id'] = invocation.invocationId;
  // DEFECT no-invocation-id-echo: never sends it back.
  if (defect === 'no-invocation-id-echo') delete headers['Lambda-Runtime-Invocation-Id'];
  // DEFECT invents-invocation-id: makes one up when /next gave none.
  if (defect === 'invents-invocation-id' && invocation.invocationId === undefined) headers['Lambda-Runtime-Invocation-Id'] = randomUUID();
  return headers;
}

function invocationPath(invocation, what) {
  let id = encodeURIComponent(invocation.requestId);
  // DEFECT mangles-request-id: "normalises" the id to lower case.
  if (defect === 'mangles-request-id') id = encodeURIComponent(invocation.requestId.toLowerCase());
  // DEFECT raw-request-id: the id goes into the path as it is.
  if (defect === 'raw-request-id') id = invocation.requestId;
  return `/runtime/invocation/${id}/${what}`;
}

/** DEFECT next-before-result: the /next fired before a result was posted, and the id it was for. */
let earlyNext;

async function postResponse(invocation, body) {
  invocation.answered = true;
  // DEFECT next-before-result: asks for the next event first, posts this result 50 ms later.
  if (defect === 'next-before-result') {
    earlyNext = { answeredId: invocation.requestId, pending: call('GET', '/runtime/invocation/next', {}, undefined, 1).catch(() => undefined) };
    await defects.sleep(50);
  }
  // DEFECT caps-response: a home-made limit below the real one (6,291,556 bytes).
  if (defect === 'caps-response' && body.length > 6_000_000) body = body.subarray(0, 6_000_000);
  await post('POST /response', invocationPath(invocation, 'response'), resultHeaders(invocation, 'application/json'), body);
  // DEFECT double-post: the same result again.
  if (defect === 'double-post') await post('POST /response', invocationPath(invocation, 'response'), resultHeaders(invocation, 'application/json'), body);
  // DEFECT exit-after-invoke: one process per invocation.
  if (defect === 'exit-after-invoke') process.exit(0);
}

async function postInvocationError(invocation, err) {
  invocation.answered = true;
  const body = errorRequest(err);
  // DEFECT generic-error-type: whatever was thrown is just an "Error".
  if (defect === 'generic-error-type') body.errorType = 'Error';
  log(`invocation ${invocation.requestId} failed: ${body.errorType}: ${body.errorMessage}`);
  const headers = resultHeaders(invocation, 'application/json');
  const type = headerSafe(body.errorType);
  if (type !== undefined) headers['Lambda-Runtime-Function-Error-Type'] = type;
  // DEFECT bad-xray-cause: an X-Ray cause that is not a JSON document.
  if (defect === 'bad-xray-cause') headers['Lambda-Runtime-Function-XRay-Error-Cause'] = 'not json';
  // DEFECT errors-as-response: the error JSON goes to /response as if it were the result.
  const what = defect === 'errors-as-response' ? 'response' : 'error';
  await post(`POST /${what}`, invocationPath(invocation, what), headers, jsonBody(body));
  // DEFECT exit-after-error: one process per failure.
  if (defect === 'exit-after-error') process.exit(1);
  // DEFECT error-ends-all: the same, only with several invocations in flight.
  if (defect === 'error-ends-all' && CONCURRENT) process.exit(1);
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
  // DEFECT own-deadline: a fixed 3 s budget counted from the event's arrival.
  if (defect === 'own-deadline') {
    const arrived = Date.now();
    return { ...correctContext(invocation, headers, deadlineMs, memory), getRemainingTimeInMillis: () => 3000 - (Date.now() - arrived) };
  }
  // DEFECT context-from-env: fields made up or copied raw instead of taken from the /next headers.
  if (defect === 'context-from-env') {
    return {
      ...correctContext(invocation, headers, deadlineMs, memory),
      awsRequestId: 'unknown',
      invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:000000000000:function:${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
      memoryLimitInMB: '3008',
      clientContext: headers['lambda-runtime-client-context'] ?? null,
      identity: headers['lambda-runtime-cognito-identity'] ?? null,
    };
  }
  // DEFECT stale-tenant: an invocation without a tenant shows the last one that had a tenant.
  if (defect === 'stale-tenant') {
    const context = correctContext(invocation, headers, deadlineMs, memory);
    lastTenant = context.tenantId ?? lastTenant;
    return { ...context, tenantId: lastTenant };
  }
  return correctContext(invocation, headers, deadlineMs, memory);
}

let lastTenant = null;

function correctContext(invocation, headers, deadlineMs, memory) {
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
let traceForwarded = false;
function forwardTrace(headers) {
  // One process-wide variable cannot hold the traces of several invocations at once: with
  // concurrency it stays unset, as aws-lambda-go leaves it.
  if (CONCURRENT) return;
  // DEFECT stale-trace: only the first invoke's trace id is ever set.
  if (defect === 'stale-trace' && traceForwarded) return;
  traceForwarded = true;
  const trace = headers['lambda-runtime-trace-id'];
  // DEFECT keeps-trace-when-absent: without the header, the previous invocation's id stays set.
  if (trace === undefined && defect === 'keeps-trace-when-absent') return;
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
    const value = result === undefined ? null : result;
    // DEFECT lossy-json: members whose value is null are left out of nested objects.
    text = defect === 'lossy-json' ? defects.stringifyDroppingNestedNulls(value) : JSON.stringify(value);
  } catch (err) {
    throw namedError('Runtime.MarshalError', `the result is not JSON-serialisable: ${err.message}`);
  }
  // DEFECT latin1-response: the wrong encoding (characters above U+00FF are mangled too).
  return Buffer.from(text === undefined ? 'null' : text, defect === 'latin1-response' ? 'latin1' : 'utf8');
}

/** GET /next as it should be done: connection errors retried a few times, then an exception. */
function getNext() {
  return call('GET', '/runtime/invocation/next', {}, undefined, NEXT_ATTEMPTS);
}

/** DEFECT next-client-timeout: gives up on a /next that is not answered within 3 s, and asks again. */
async function getNextWithClientTimeout() {
  for (;;) {
    try {
      return await sendOnce('GET', '/runtime/invocation/next', {}, undefined, 3000);
    } catch (err) {
      if (err.code !== 'CLIENT_TIMEOUT') return getNext();
      log('GET /runtime/invocation/next timed out after 3 s, asking again');
    }
  }
}

/** DEFECT spins-when-api-gone: connection errors are retried every 10 ms, forever. */
async function getNextSpinning() {
  for (;;) {
    try {
      return await sendOnce('GET', '/runtime/invocation/next', {}, undefined);
    } catch (err) {
      await defects.sleep(10);
    }
  }
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
      // DEFECT bad-prelude: ends the prelude with a newline instead of the 8 NUL bytes.
      const delimiter = defect === 'bad-prelude' ? Buffer.from('\n') : Buffer.alloc(8);
      stream.write(Buffer.concat([Buffer.from(JSON.stringify(prelude ?? {}), 'utf8'), delimiter]));
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
      'Transfer-Encoding': 'chunked',
      Trailer: `${ERROR_TYPE_TRAILER}, ${ERROR_BODY_TRAILER}`,
    };
    // DEFECT no-stream-mode: never sends Lambda-Runtime-Function-Response-Mode.
    if (defect !== 'no-stream-mode') headers['Lambda-Runtime-Function-Response-Mode'] = 'streaming';
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
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    // DEFECT buffers-stream: starts the POST but holds every write and sends the whole body at the end.
    if (defect === 'buffers-stream') {
      if (!this.started) this.#open();
      this.held = [...(this.held ?? []), bytes];
      return true;
    }
    // DEFECT caps-stream: drops every write past the first 4 MiB of a stream.
    if (defect === 'caps-stream' && (this.sent = (this.sent ?? 0) + bytes.length) > 4 * 1024 * 1024) return true;
    if (!this.started) this.#open();
    return this.req.write(bytes);
  }

  /** Ends the stream; with an error, the error travels in the trailers. */
  async end(err) {
    if (this.ended) return;
    this.ended = true;
    if (!this.started) this.#open();
    if (defect === 'buffers-stream' && this.held !== undefined) this.req.write(Buffer.concat(this.held));
    // DEFECT error-after-stream: ends the stream as a success, then posts the failure to /error.
    if (err !== undefined && defect === 'error-after-stream') {
      this.req.end();
      await this.answer;
      await postInvocationError(this.invocation, err);
      return;
    }
    if (err !== undefined) {
      const body = errorRequest(err);
      log(`invocation ${this.invocation.requestId} failed mid-stream: ${body.errorType}: ${body.errorMessage}`);
      this.req.addTrailers({
        [ERROR_TYPE_TRAILER]: headerSafe(body.errorType) ?? 'Runtime.Unknown',
        // DEFECT malformed-trailer: the error body goes out as raw JSON, not base64.
        [ERROR_BODY_TRAILER]: defect === 'malformed-trailer' ? JSON.stringify(body) : jsonBody(body).toString('base64'),
      });
    }
    this.req.end();
    const res = await this.answer;
    // DEFECT dies-on-stream-cut: exits when Lambda cuts its stream off (413 at the size limit).
    if (defect === 'dies-on-stream-cut' && (res === null || res.status === 413)) fatal('the streamed POST /response was cut off');
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
  // DEFECT next-before-result: the early /next is answered first; RAPID re-delivers the event that
  // was still in flight, which this runtime recognises and drops.
  if (earlyNext !== undefined) {
    const { answeredId, pending } = earlyNext;
    earlyNext = undefined;
    const early = await pending;
    if (early !== undefined && early.status === 200 && early.headers['lambda-runtime-aws-request-id'] !== answeredId) return early;
  }
  let res;
  for (;;) {
    try {
      if (defect === 'next-client-timeout') res = await getNextWithClientTimeout();
      else if (defect === 'spins-when-api-gone') res = await getNextSpinning();
      else res = await getNext();
    } catch (err) {
      fatal(`GET /runtime/invocation/next failed: ${err.code || err.message}`);
    }
    // DEFECT exceeds-max-concurrency: its extra loop asks again when refused (200 ms apart).
    if (defect === 'exceeds-max-concurrency' && CONCURRENT && res.status === 500) {
      await defects.sleep(200);
      continue;
    }
    // DEFECT retries-next-forever: asks again instead of exiting (20 ms apart, to spare the recorder).
    if (defect === 'retries-next-forever' && res.status !== 200) {
      log(`GET /runtime/invocation/next answered ${res.status}; asking again`);
      await defects.sleep(20);
      continue;
    }
    break;
  }
  // 500 means "runtime should exit promptly"; 403 means the state machine refuses us (SPEC §1.3).
  if (res.status !== 200) fatal(`GET /runtime/invocation/next answered ${res.status}: ${excerpt(res.body)}`);
  // DEFECT case-sensitive-headers: looks headers up by their exact canonical spelling.
  if (defect === 'case-sensitive-headers') res.headers = defects.exactSpellingHeaders(res.rawHeaders);
  // DEFECT truncates-large-events: a fixed 1 MiB read buffer.
  if (defect === 'truncates-large-events') res.body = res.body.subarray(0, 1024 * 1024);
  const requestId = res.headers['lambda-runtime-aws-request-id'];
  if (requestId === undefined || requestId === '') fatal('GET /runtime/invocation/next gave no Lambda-Runtime-Aws-Request-Id');
  return res;
}

async function runInvocation(handler, next) {
  // These three throw outside any try and before the invocation is tracked, so the throw is an
  // uncaught crash of the process (crash() below has no invocation to report it on).
  // DEFECT crash-on-non-json: parses the event before anything can catch it.
  if (defect === 'crash-on-non-json') JSON.parse(next.body.toString('utf8'));
  // DEFECT needs-invocation-id: assumes Lambda-Runtime-Invocation-Id is always there.
  if (defect === 'needs-invocation-id') next.headers['lambda-runtime-invocation-id'].trim();
  // DEFECT needs-trace-header: assumes the trace header is always there.
  if (defect === 'needs-trace-header') next.headers['lambda-runtime-trace-id'].split(';');
  // DEFECT crash-on-bad-context: parses the client context before anything can catch it.
  if (defect === 'crash-on-bad-context' && next.headers['lambda-runtime-client-context'] !== undefined) {
    JSON.parse(next.headers['lambda-runtime-client-context']);
  }
  // DEFECT wipes-tmp-per-invoke: a "clean" /tmp for every invocation.
  if (defect === 'wipes-tmp-per-invoke') defects.wipeTmp();

  const invocation = {
    requestId: next.headers['lambda-runtime-aws-request-id'],
    invocationId: next.headers['lambda-runtime-invocation-id'],
    tenantId: next.headers['lambda-runtime-aws-tenant-id'],
    answered: false,
  };
  // DEFECT prints-platform-lines: the platform's START line, printed by the runtime.
  if (defect === 'prints-platform-lines') process.stdout.write(`START RequestId: ${invocation.requestId} Version: $LATEST\n`);
  current = invocation;
  forwardTrace(next.headers);
  // DEFECT buffered-logs: the handler's output is held back until the result is posted.
  const held = defect === 'buffered-logs' ? defects.holdOutput() : undefined;
  let body;
  let failure;
  let failed = false;
  try {
    const context = buildContext(invocation, next.headers);
    const event = parseEvent(next.body);
    if (handler[STREAMING]) return await handling.run(invocation, () => runStreamingHandler(handler, invocation, event, context));
    // DEFECT mixes-concurrent-context: the handler's context is a view of one shared variable.
    const seen = defect === 'mixes-concurrent-context' && CONCURRENT ? defects.sharedContext(context) : context;
    // DEFECT serializes-handlers: handlers take turns.
    const run = () => handling.run(invocation, () => callHandler(handler, event, seen));
    body = serializeResult(await (defect === 'serializes-handlers' && CONCURRENT ? defects.oneAtATime(run) : run()));
  } catch (err) {
    failed = true;
    failure = err;
  } finally {
    current = null;
    held?.restore();
  }
  if (!invocation.answered) {
    if (failed) await postInvocationError(invocation, failure);
    else await postResponse(invocation, body);
  }
  // DEFECT buffered-logs: written well after the result was posted.
  if (held !== undefined) setTimeout(held.flush, 500);
  // DEFECT prints-platform-lines: and the END line.
  if (defect === 'prints-platform-lines') process.stdout.write(`END RequestId: ${invocation.requestId}\n`);
}

// ---------------------------------------------------------------------------------------------
// Handler loading, with the two defects that move it out of init

/** A handler that loads the real one when first called. */
function loadOnFirstCall(load) {
  let loaded;
  return (event, context) => {
    loaded ??= load();
    return loaded.then((fn) => callHandler(fn, event, context));
  };
}

async function initHandler() {
  // DEFECT lazy-init: nothing is loaded before the first /next; the function's init code runs
  // inside the first invoke (and its init errors become that invoke's error).
  if (defect === 'lazy-init') return loadOnFirstCall(() => loadHandler(TASK_ROOT, HANDLER));
  // DEFECT lazy-handler-lookup: the module is loaded at init as it should be, but the handler is
  // looked up only when first invoked, so a missing one fails that invoke instead of init.
  if (defect === 'lazy-handler-lookup') {
    try {
      return await loadHandler(TASK_ROOT, HANDLER);
    } catch (err) {
      if (!['Runtime.HandlerNotFound', 'Runtime.ImportModuleError', 'Runtime.MalformedHandlerName'].includes(err.name)) throw err;
      return loadOnFirstCall(() => loadHandler(TASK_ROOT, HANDLER));
    }
  }
  return loadHandler(TASK_ROOT, HANDLER);
}

// ---------------------------------------------------------------------------------------------
// Crashes outside the handler's promise (a throw in a timer, an unhandled rejection)

/** An init failure: report it through /runtime/init/error and exit. */
async function failInit(err) {
  await postInitError(err);
  // DEFECT init-error-keeps-polling: stays up and keeps asking for events (each answered 403).
  if (defect === 'init-error-keeps-polling') return defects.pollForever(() => sendOnce('GET', '/runtime/invocation/next', {}, undefined));
  // DEFECT init-error-hangs: stays up doing nothing.
  if (defect === 'init-error-hangs') return defects.hangForever();
  process.exit(1);
}

async function crash(err) {
  if (phase === 'init') return failInit(err);
  if (current !== null && !current.answered) {
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
  // DEFECT needs-optional-env: treats optional variables as required.
  if (defect === 'needs-optional-env') {
    for (const name of ['AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_REGION']) if (!process.env[name]) fatal(`${name} is not set`);
  }
  // DEFECT lock-file: "only one runtime at a time", enforced with a lock that outlives the process.
  if (defect === 'lock-file') {
    const lock = defects.takeLock();
    if (!lock.ok) fatal(`another runtime holds ${lock.file} (${lock.why})`);
  }
  // DEFECT wipes-tmp-at-init: a "clean" /tmp at every start.
  if (defect === 'wipes-tmp-at-init') defects.wipeTmp();
  // DEFECT ignores-sigterm: a handler that logs the signal and carries on.
  if (defect === 'ignores-sigterm') process.on('SIGTERM', () => log('SIGTERM ignored'));
  // DEFECT extension-intolerant: any file in /opt/extensions is taken for a broken layer.
  if (defect === 'extension-intolerant') {
    const found = fs.existsSync('/opt/extensions') ? fs.readdirSync('/opt/extensions') : [];
    if (found.length > 0) fatal(`unexpected files in /opt/extensions: ${found.join(', ')}`);
  }
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  // JSON logs and the telemetry log fd, when Lambda asks for them (logs.js).
  logs.patchConsole(() => logOwner()?.requestId, () => logOwner()?.tenantId);
  snapstart.registry(); // SnapStart hooks the function registers while it loads (snapstart.js)
  let handler;
  try {
    handler = await initHandler();
  } catch (err) {
    await failInit(err);
    return;
  }
  // DEFECT unprefixed-call: one request without the /2018-06-01 prefix (its 404 is ignored).
  if (defect === 'unprefixed-call') await defects.unprefixedNext(RUNTIME_API);
  // DEFECT slow-init: more than the 10 s init budget before the first /next (on a cold /tmp only).
  if (defect === 'slow-init') await defects.slowFirstStart();
  if (process.env.AWS_LAMBDA_INITIALIZATION_TYPE === 'snap-start') await snapstart.restore({ call, post, postInitError, errorRequest, jsonBody, log, fatal });
  phase = 'invoke';
  // Managed Instances: MAX_CONCURRENCY independent loops, each with its own /next and its own
  // invocation state (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-custom.html).
  let loops = CONCURRENT ? MAX_CONCURRENCY : 1;
  // DEFECT ignores-max-concurrency: a fixed number of loops.
  if (defect === 'ignores-max-concurrency' && CONCURRENT) loops = 2;
  // DEFECT exceeds-max-concurrency: one loop too many.
  if (defect === 'exceeds-max-concurrency' && CONCURRENT) loops += 1;
  await Promise.all(Array.from({ length: loops }, () => serve(handler)));
}

async function serve(handler) {
  for (;;) {
    const next = await nextInvocation();
    // DEFECT late-internal-extension: registers its internal extension after init has ended.
    if (defect === 'late-internal-extension') await defects.registerInternalExtensionLate(RUNTIME_API);
    await runInvocation(handler, next);
  }
}

main();
