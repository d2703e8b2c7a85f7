'use strict';
// The bootspec probe function (docs/probe-contract.md#probe-function) for the node-plain runtime.

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const MiB = 1024 * 1024;

/** An Error whose class name and `name` are `type`, so the runtime reports it as the errorType. */
function probeError(type, message) {
  const ErrorClass = { [type]: class extends Error {} }[type];
  Object.defineProperty(ErrorClass.prototype, 'name', { value: type, writable: true, configurable: true });
  return new ErrorClass(message);
}

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// Init controls (docs/probe-contract.md#init-controls), read while the module loads.
const initControl = process.env.PROBE_INIT;
if (initControl === 'fail') throw probeError('ProbeInitError', 'probe init failure');
if (initControl !== undefined && initControl.startsWith('exit:')) process.exit(Number.parseInt(initControl.slice(5), 10));
if (initControl !== undefined && initControl.startsWith('sleep:')) sleepSync(Number(initControl.slice(6)));

const initId = crypto.randomUUID();

// Restore controls (docs/probe-contract.md#restore-controls): SnapStart hooks, registered with the
// runtime's registry when it offers one (snapstart.js), each recording when it ran.
const restoreControl = process.env.PROBE_RESTORE;
const restoreHooks = [];
const snapshotHooks = globalThis[Symbol.for('bootspec.snapshot-hooks')];
if (snapshotHooks !== undefined) {
  snapshotHooks.beforeSnapshot.push(() => {
    restoreHooks.push({ hook: 'before-snapshot', at: Date.now() });
    if (restoreControl === 'before-fail') throw probeError('ProbeSnapshotError', 'probe before-snapshot failure');
  });
  snapshotHooks.afterRestore.push(() => {
    restoreHooks.push({ hook: 'after-restore', at: Date.now() });
    if (restoreControl === 'fail') throw probeError('ProbeRestoreError', 'probe after-restore failure');
  });
}
let count = 0;

function badRequest(message) {
  return probeError('ProbeBadRequest', message);
}

function nonNegativeInteger(value, field) {
  if (!Number.isInteger(value) || value < 0) throw badRequest(`${field} must be a non-negative integer`);
  return value;
}

function tmpFile(name) {
  if (typeof name !== 'string' || name === '' || name === '.' || name === '..' || name.includes('/')) {
    throw badRequest('file must be a plain file name');
  }
  return path.join('/tmp', name);
}

function contextAnswer(context) {
  const remaining = context.getRemainingTimeInMillis();
  const memory = Number(context.memoryLimitInMB);
  return {
    requestId: context.awsRequestId ?? null,
    functionArn: context.invokedFunctionArn ?? null,
    functionName: context.functionName ?? null,
    functionVersion: context.functionVersion ?? null,
    memoryLimitMb: context.memoryLimitInMB == null || !Number.isFinite(memory) ? null : memory,
    logGroupName: context.logGroupName ?? null,
    logStreamName: context.logStreamName ?? null,
    remainingMs: typeof remaining === 'number' && Number.isFinite(remaining) ? remaining : null,
    clientContext: context.clientContext ?? null,
    identity: context.identity ?? null,
    traceEnv: process.env._X_AMZN_TRACE_ID ?? null,
    tenantId: context.tenantId ?? null,
  };
}

function envAnswer(names) {
  if (names === undefined || names === null) return { ...process.env };
  if (!Array.isArray(names) || !names.every((name) => typeof name === 'string')) {
    throw badRequest('names must be an array of strings');
  }
  const answer = {};
  for (const name of names) answer[name] = process.env[name] ?? null;
  return answer;
}

function writeLines(stream, lines) {
  if (lines === undefined || lines === null) return 0;
  if (!Array.isArray(lines)) throw badRequest('stdout and stderr must be arrays of strings');
  for (const line of lines) stream.write(`${line}\n`);
  return lines.length;
}

exports.handler = async (event, context) => {
  const op = event !== null && typeof event === 'object' && !Array.isArray(event) ? event.probe : undefined;
  switch (op) {
    case 'echo':
      return event.value;
    case 'digest': {
      if (typeof event.value !== 'string') throw badRequest('value must be a string');
      const bytes = Buffer.from(event.value, 'utf8');
      return { utf8Bytes: bytes.length, sha256: crypto.createHash('sha256').update(bytes).digest('hex') };
    }
    case 'bytes':
      return 'x'.repeat(nonNegativeInteger(event.size, 'size'));
    case 'context':
      // sleepMs: read the context only after the wait, so context kept in process-wide state
      // shows another invocation's values.
      if (event.sleepMs !== undefined) await new Promise((resolve) => setTimeout(resolve, nonNegativeInteger(event.sleepMs, 'sleepMs')));
      return contextAnswer(context);
    case 'env':
      return envAnswer(event.names);
    case 'throw':
      throw probeError(String(event.errorType ?? 'ProbeError'), String(event.message ?? ''));
    case 'sleep': {
      const ms = event.ms;
      if (typeof ms !== 'number' || !(ms >= 0)) throw badRequest('ms must be a non-negative number');
      await new Promise((resolve) => setTimeout(resolve, ms));
      return { sleptMs: ms };
    }
    case 'restore-hooks':
      return { hooks: restoreHooks };
    case 'counter':
      count += 1;
      return { count, pid: process.pid, initId };
    case 'tmp': {
      const file = tmpFile(event.file);
      fs.appendFileSync(file, `${process.pid} ${context.awsRequestId}\n`);
      const text = fs.readFileSync(file, 'utf8');
      return { lines: text.split('\n').length - 1 };
    }
    case 'log': {
      const logged = writeLines(process.stdout, event.stdout) + writeLines(process.stderr, event.stderr);
      return { logged };
    }
    case 'logger': {
      // console.<level> as a Node user logs; the runtime formats, filters and frames it (logs.js).
      const records = Array.isArray(event.records) ? event.records : [];
      // sleepMs: log only after the wait (another invocation may be delivered meanwhile)
      if (event.sleepMs !== undefined) await new Promise((resolve) => setTimeout(resolve, nonNegativeInteger(event.sleepMs, 'sleepMs')));
      for (const r of records) {
        const method = LOGGER_METHODS[String(r?.level)];
        if (method === undefined) throw badRequest(`level must be one of ${Object.keys(LOGGER_METHODS).join(', ')}`);
        console[method](String(r.message));
      }
      return { logged: records.length };
    }
    case 'exit':
      process.exit(event.code === undefined ? 0 : nonNegativeInteger(event.code, 'code'));
      break;
    case 'memory': {
      const mb = event.mb;
      if (typeof mb !== 'number' || !(mb >= 0)) throw badRequest('mb must be a non-negative number');
      // allocUnsafeSlow + fill writes every page, so the memory is resident, not just reserved.
      // DEFECT untouched-memory: reserves the memory without touching it, so none of it is resident.
      const block = process.env.BROKEN === 'untouched-memory' ? Buffer.allocUnsafeSlow(Math.round(mb * MiB)) : Buffer.allocUnsafeSlow(Math.round(mb * MiB)).fill(0x78);
      await new Promise((resolve) => setImmediate(resolve));
      return { allocatedMb: block.length / MiB }; // reading `block` here keeps it alive until now
    }
    case 'import': {
      // Resolved from the probe's own folder and NODE_PATH, as a handler's require is.
      if (typeof event.module !== 'string' || event.module === '') throw badRequest('module must be a module name');
      return { value: require(event.module).value ?? null };
    }
    case 'file':
      if (typeof event.path !== 'string' || !path.isAbsolute(event.path)) throw badRequest('path must be an absolute path');
      return { text: fs.readFileSync(event.path, 'utf8') };
    default:
      throw probeError('ProbeUnknownOp', `unknown probe op: ${JSON.stringify(op) ?? 'undefined'}`);
  }
};

/** The console method a Node user logs a record of each level with (the `logger` op). */
const LOGGER_METHODS = { DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/** Chunk `i` of a `stream` op: `chunkBytes` bytes of one letter, else the line `chunk <i>`. */
function streamChunk(i, chunkBytes) {
  return chunkBytes === undefined ? Buffer.from(`chunk ${i}\n`, 'utf8') : Buffer.alloc(chunkBytes, 0x61 + (i % 26));
}

// The `stream` op (docs/probe-contract.md), a streamified handler: the runtime's `awslambda` global.
const streamify = typeof awslambda === 'undefined' ? (fn) => fn : awslambda.streamifyResponse;
exports.streaming = streamify(async (event, responseStream) => {
  const chunks = nonNegativeInteger(event.chunks ?? 3, 'chunks');
  const chunkBytes = event.chunkBytes === undefined ? undefined : nonNegativeInteger(event.chunkBytes, 'chunkBytes');
  const delayMs = event.delayMs ?? 0;
  if (typeof delayMs !== 'number' || !(delayMs >= 0)) throw badRequest('delayMs must be a non-negative number');
  const failAfter = event.failAfter === undefined ? undefined : nonNegativeInteger(event.failAfter, 'failAfter');
  if (event.prelude !== undefined) responseStream = awslambda.HttpResponseStream.from(responseStream, event.prelude);
  else responseStream.setContentType('application/octet-stream');
  for (let i = 0; i < chunks; i++) {
    if (failAfter === i) throw probeError('ProbeStreamError', `failed after ${i} chunks`);
    if (i > 0 && delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    responseStream.write(streamChunk(i, chunkBytes));
  }
  if (failAfter !== undefined && failAfter >= chunks) throw probeError('ProbeStreamError', `failed after ${chunks} chunks`);
});
