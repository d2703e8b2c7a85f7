'use strict';
// The defect switch of bootspec's known-bad runtimes (runtimes-under-test/broken/README.md).
//
// runtime.js is a copy of the correct node-plain runtime. `BROKEN=<name>` turns on exactly one
// defect; each is a branch marked `// DEFECT <name>` in runtime.js (grep for it), using the small
// helpers below when a branch needs more than a line or two. With BROKEN unset nothing changes.

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

/** Every defect, with the one sentence that says what the runtime does wrong. */
const DEFECTS = {
  'hardcoded-endpoint': 'ignores AWS_LAMBDA_RUNTIME_API and always connects to 127.0.0.1:9001',
  'unprefixed-call': 'makes one GET /runtime/invocation/next without the /2018-06-01 prefix at startup',
  'slow-init': 'spends 11 s on a first-start warm-up (cached in /tmp) before its first /next',
  'needs-optional-env': 'exits at startup when AWS_LAMBDA_LOG_GROUP_NAME or AWS_REGION is unset',
  'init-error-silent': 'exits on an init failure without posting /runtime/init/error',
  'init-error-text-body': 'posts "init failed" as a text/plain body to /runtime/init/error',
  'init-error-keeps-polling': 'keeps calling GET /next every 200 ms after posting /runtime/init/error',
  'init-error-hangs': 'never exits after posting /runtime/init/error',
  'exit-code-lost': 'its bootstrap runs node as a child and always exits 0',
  'task-root-only': 'its bootstrap looks for runtime.js in LAMBDA_TASK_ROOT, not beside itself, so it cannot run from a layer',
  'no-layer-node-path': 'its bootstrap never puts /opt/nodejs/node_modules on NODE_PATH',
  'lazy-handler-lookup': 'looks the handler up only at the first invoke, so a missing one fails that invoke, not init',
  'lazy-init': 'calls /next before loading the function, so the init code runs inside the first invoke',
  'lossy-json': 'drops members whose value is null from the objects nested in a result',
  'double-post': 'posts every successful /response twice',
  'next-before-result': 'calls GET /next again before posting the result',
  'mangles-request-id': 'lower-cases the request id in the /response and /error paths',
  'raw-request-id': 'puts the request id into the path without URL-encoding it',
  'errors-as-response': 'posts handler errors to /response instead of /error',
  'generic-error-type': 'posts errorType "Error" whatever the handler threw',
  'exit-after-error': 'exits right after posting an /error',
  'bad-xray-cause': 'sends a Lambda-Runtime-Function-XRay-Error-Cause header that is not JSON',
  'truncates-large-events': 'reads only the first 1 MiB of an event',
  'caps-response': 'cuts responses to 6,000,000 bytes',
  'dies-on-413': 'exits when /response is answered 413',
  'latin1-response': 'encodes responses as latin1 instead of UTF-8',
  'crash-on-non-json': 'crashes on an event that is not JSON',
  'stale-trace': 'sets _X_AMZN_TRACE_ID on the first invoke only and never updates or removes it',
  'needs-trace-header': 'crashes when Lambda-Runtime-Trace-Id is absent',
  'own-deadline': 'computes remaining time as 3000 ms minus the time since the event arrived, ignoring Lambda-Runtime-Deadline-Ms',
  'context-from-env': 'builds the ARN from the environment, gives requestId "unknown", passes client context and identity unparsed, says 3008 MB',
  'crash-on-bad-context': 'crashes on a Lambda-Runtime-Client-Context that is not JSON',
  'exit-after-invoke': 'exits right after posting each /response',
  'wipes-tmp-per-invoke': 'deletes everything in /tmp before each invoke',
  'wipes-tmp-at-init': 'deletes everything in /tmp at startup',
  'next-client-timeout': 'puts a 3 s client timeout on GET /next, then aborts and retries',
  'retries-next-forever': 'retries GET /next forever on any non-200 answer instead of exiting',
  'spins-when-api-gone': 'retries GET /next every 10 ms forever when the Runtime API refuses connections',
  'lock-file': 'refuses to start when $TMPDIR/.runtime.lock exists, and leaves it behind',
  'buffered-logs': "holds the handler's output and writes it only after the result is posted (500 ms later)",
  'prints-platform-lines': 'prints START and END lines itself around each invoke',
  'no-invocation-id-echo': 'never echoes Lambda-Runtime-Invocation-Id',
  'invents-invocation-id': 'sends a made-up Lambda-Runtime-Invocation-Id when /next gave none',
  'keeps-trace-when-absent': 'keeps the previous _X_AMZN_TRACE_ID when Lambda-Runtime-Trace-Id is absent',
  'needs-invocation-id': 'crashes when Lambda-Runtime-Invocation-Id is absent',
  'untouched-memory': "its probe's memory operation reserves memory without touching it",
  'case-sensitive-headers': 'finds /next headers only under their exact canonical spelling',
  'mixes-concurrent-context': 'keeps the invocation context in one module-level variable, so concurrent handlers read the newest invocation\'s context (Managed Instances)',
  'concurrent-logs-shared-id': "its JSON logger names the newest delivered invocation, not the handler's own, when several run at once (Managed Instances)",
  'concurrent-logs-held': 'holds every log record of a Managed Instances environment until the process exits',
  'ignores-max-concurrency': 'always runs 2 worker loops in Managed Instances mode, whatever AWS_LAMBDA_MAX_CONCURRENCY says',
  'exceeds-max-concurrency': 'runs one worker loop more than AWS_LAMBDA_MAX_CONCURRENCY, retrying a refused GET /next (Managed Instances)',
  'serializes-handlers': 'asks for events concurrently but runs one handler at a time (Managed Instances)',
  'error-ends-all': 'exits after posting a handler error in Managed Instances mode, ending the other invocations in flight',
  'dies-on-410': 'exits when a late post is answered 410 InvokeTimeout (Managed Instances)',
  'restore-hooks-out-of-order': 'runs its after-restore hooks before calling /runtime/restore/next (SnapStart)',
  'after-restore-error-to-init-error': 'reports a failed after-restore hook to /runtime/init/error instead of /runtime/restore/error (SnapStart)',
  'before-snapshot-error-ignored': 'logs a failed before-snapshot hook and calls /runtime/restore/next anyway (SnapStart)',
  'exits-after-restore': 'exits once restored instead of asking for the first event (SnapStart)',
  'ignores-sigterm': 'ignores SIGTERM, so at shutdown it runs on until SIGKILL',
  'extension-intolerant': 'refuses to start when /opt/extensions holds anything (it takes unknown files in /opt for a broken layer)',
  'buffers-stream': 'holds every write of a streamed response and sends the whole body at the end',
  'error-after-stream': 'ends a stream that failed midway as a success, then posts the failure to /error',
  'malformed-trailer': 'sends the Lambda-Runtime-Function-Error-Body trailer as raw JSON, not base64',
  'no-stream-mode': 'streams without the Lambda-Runtime-Function-Response-Mode: streaming header',
  'dies-on-stream-cut': 'exits when its streamed response is cut off at the size limit',
  'bad-prelude': 'ends the HTTP-integration prelude with a newline instead of 8 NUL bytes',
  'caps-stream': 'drops every write past the first 4 MiB of a streamed response',
  'splits-log-frames': 'writes a multi-line log record to the telemetry fd as one frame per line',
  'frame-length-chars': 'puts the length of a log frame in UTF-16 code units instead of bytes',
  'ignores-log-level': 'writes JSON log records of every level, whatever AWS_LAMBDA_LOG_LEVEL says',
  'late-internal-extension': 'registers its internal extension only after its first /next, when Lambda no longer accepts registrations',
  'json-logs-no-request-id': 'writes JSON log records without the requestId field',
  'frame-timestamp-ms': 'dates its log frames in milliseconds where the frame wants microseconds, so its records read as written in 1970',
  'stale-tenant': "keeps the previous invocation's tenant id when Lambda-Runtime-Aws-Tenant-Id is absent",
  'json-logs-no-tenant': 'writes JSON log records without tenantId, even during an invocation that has a tenant',
};

const defect = process.env.BROKEN || undefined;
if (defect !== undefined && !Object.hasOwn(DEFECTS, defect)) {
  process.stderr.write(`[broken runtime] unknown BROKEN=${JSON.stringify(defect)}; known: ${Object.keys(DEFECTS).join(', ')}\n`);
  process.exit(1);
}
if (defect !== undefined) process.stderr.write(`[broken runtime] defect ${defect}: ${DEFECTS[defect]}\n`);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * slow-init: an 11 s warm-up on the first start in an execution environment. It leaves a marker in
 * the temp folder (which survives a reset), so the re-init after the init timeout is fast: only
 * the cold init overruns the 10 s budget, and the rest of the suite can still use this runtime.
 */
async function slowFirstStart() {
  const marker = path.join(process.env.TMPDIR || '/tmp', '.broken-slow-init-warmed');
  if (fs.existsSync(marker)) return;
  fs.writeFileSync(marker, `${process.pid}\n`);
  await sleep(11_000);
}

/** unprefixed-call: GET /runtime/invocation/next without /2018-06-01, answer ignored. */
function unprefixedNext(runtimeApi) {
  return new Promise((resolve) => {
    const req = http.get(`http://${runtimeApi}/runtime/invocation/next`, { agent: false }, (res) => {
      res.resume();
      res.on('end', resolve);
      res.on('error', resolve);
    });
    req.on('error', resolve);
  });
}

let internalExtensionTried = false;

/**
 * late-internal-extension: registers an internal extension (no events, as aws-lambda-go's SIGTERM
 * one) once, after init has ended; Lambda refuses it, and the answer is only logged.
 */
function registerInternalExtensionLate(runtimeApi) {
  if (internalExtensionTried) return Promise.resolve();
  internalExtensionTried = true;
  return new Promise((resolve) => {
    const body = JSON.stringify({ events: [] });
    const req = http.request(
      `http://${runtimeApi}/2020-01-01/extension/register`,
      { method: 'POST', agent: false, headers: { 'Lambda-Extension-Name': 'broken-base-sigterm', 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => {
          process.stderr.write(`[broken runtime] internal extension registration answered ${res.statusCode}\n`);
          resolve();
        });
        res.on('error', resolve);
      },
    );
    req.on('error', resolve);
    req.end(body);
  });
}

/** init-error-keeps-polling: `poll` every 200 ms, forever, whatever it answers. */
function pollForever(poll) {
  setInterval(() => poll().catch(() => {}), 200);
}

/** init-error-hangs: nothing left to do, but the process stays up. */
function hangForever() {
  setInterval(() => {}, 60_000);
}

/**
 * The temp folder the defects that wipe /tmp empty. Under bubblewrap TMPDIR is unset and /tmp is the
 * environment's own; without a sandbox bootspec sets TMPDIR to the environment's private folder. A
 * bare /tmp outside the sandbox (task root not /var/task) is the host's, and is left alone.
 */
function tempDir() {
  const dir = process.env.TMPDIR || '/tmp';
  if (path.resolve(dir) === '/tmp' && process.env.LAMBDA_TASK_ROOT !== '/var/task') return undefined;
  return dir;
}

/** wipes-tmp-*: deletes every entry of the temp folder. */
function wipeTmp() {
  const dir = tempDir();
  if (dir === undefined) return;
  for (const name of fs.readdirSync(dir)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
}

/** lock-file: creates the lock, or says it could not (it exists). Never removed. */
function takeLock() {
  const file = path.join(process.env.TMPDIR || '/tmp', '.runtime.lock');
  try {
    fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
    return { ok: true, file };
  } catch (err) {
    return { ok: false, file, why: err.code || err.message };
  }
}

/**
 * lossy-json: JSON.stringify that leaves out members whose value is null, in every object below the
 * top level (the top-level object is kept whole, so flat answers such as the probe's context keep
 * their null fields and only nested data is lost).
 */
function stringifyDroppingNestedNulls(result) {
  return JSON.stringify(result, function (key, value) {
    return value === null && this !== result && !Array.isArray(this) && key !== '' ? undefined : value;
  });
}

/** case-sensitive-headers: only the exact spellings below are found; everything else is missed. */
const CANONICAL_HEADERS = [
  'Lambda-Runtime-Aws-Request-Id',
  'Lambda-Runtime-Deadline-Ms',
  'Lambda-Runtime-Invoked-Function-Arn',
  'Lambda-Runtime-Trace-Id',
  'Lambda-Runtime-Client-Context',
  'Lambda-Runtime-Cognito-Identity',
  'Lambda-Runtime-Aws-Tenant-Id',
  'Lambda-Runtime-Invocation-Id',
  'Content-Type',
];
function exactSpellingHeaders(rawHeaders) {
  const headers = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (CANONICAL_HEADERS.includes(rawHeaders[i])) headers[rawHeaders[i].toLowerCase()] = rawHeaders[i + 1];
  }
  return headers;
}

/** buffered-logs: holds what the handler writes to stdout/stderr until `flush`. */
function holdOutput() {
  const held = [];
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((s) => s.write);
  streams.forEach((stream, i) => {
    stream.write = (chunk, encoding, callback) => {
      held.push([i, chunk, typeof encoding === 'string' ? encoding : undefined]);
      const cb = typeof encoding === 'function' ? encoding : callback;
      if (typeof cb === 'function') process.nextTick(cb);
      return true;
    };
  });
  return {
    restore() {
      streams.forEach((stream, i) => {
        stream.write = writes[i];
      });
    },
    flush() {
      for (const [i, chunk, encoding] of held.splice(0)) writes[i].call(streams[i], chunk, encoding);
    },
  };
}

/** mixes-concurrent-context: the context lives in one variable; handlers read whatever it holds now. */
let latestContext;
function sharedContext(context) {
  latestContext = context;
  return new Proxy(
    {},
    {
      get(_, key) {
        const value = latestContext[key];
        return typeof value === 'function' ? value.bind(latestContext) : value;
      },
    },
  );
}

/** serializes-handlers: one handler at a time, the others queue behind it. */
let handlerLock = Promise.resolve();
function oneAtATime(run) {
  const turn = handlerLock.then(run);
  handlerLock = turn.catch(() => undefined);
  return turn;
}

module.exports = {
  DEFECTS,
  sharedContext,
  oneAtATime,
  defect,
  sleep,
  unprefixedNext,
  registerInternalExtensionLate,
  pollForever,
  hangForever,
  wipeTmp,
  takeLock,
  stringifyDroppingNestedNulls,
  slowFirstStart,
  exactSpellingHeaders,
  holdOutput,
};
