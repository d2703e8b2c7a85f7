// bootspec probe v1 (see docs/probe-contract.md) for aws-lambda-ric (Node.js runtime interface client).
// Handler: probe.handler (buffered). probe.streaming is the same probe as a response-streaming
// handler (awslambda.streamifyResponse), for streaming scenarios.
import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setTimeout as sleepMs } from 'node:timers/promises';

// ---- init: runs once, at module load (the RIC imports this module during init) ----
const initId = randomUUID();
let count = 0;

class ProbeInitError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ProbeInitError';
  }
}

const initControl = process.env.PROBE_INIT ?? '';
if (initControl === 'fail') {
  throw new ProbeInitError('probe init failure');
} else if (initControl.startsWith('exit:')) {
  process.exit(Number.parseInt(initControl.slice(5), 10));
} else if (initControl.startsWith('sleep:')) {
  await sleepMs(Number.parseInt(initControl.slice(6), 10));
}

/** An Error whose name (what the RIC reports as errorType) is chosen at run time. */
function namedError(errorType, message) {
  const type = String(errorType ?? 'Error');
  const ErrorClass = { [type]: class extends Error {} }[type];
  Object.defineProperty(ErrorClass.prototype, 'name', { value: type, configurable: true });
  return new ErrorClass(String(message ?? ''));
}

/** The console method a Node user logs a record of each level with (the `logger` op). */
const LOGGER_METHODS = { DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

function tmpPath(file) {
  const name = String(file);
  if (name === '' || name.includes('/') || name === '.' || name === '..') {
    throw namedError('ProbeBadRequest', `bad tmp file name: ${JSON.stringify(name)}`);
  }
  return `/tmp/${name}`;
}

async function run(event, context) {
  const op = event?.probe;
  switch (op) {
    case 'echo':
      return event.value;
    case 'digest': {
      const bytes = Buffer.from(String(event.value), 'utf8');
      return { utf8Bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
    }
    case 'bytes':
      return 'x'.repeat(Number(event.size));
    case 'context':
      // sleepMs: wait first (a timer, so other invocations of this worker go on), then read
      if (Number(event.sleepMs) > 0) await sleepMs(Number(event.sleepMs));
      return {
        requestId: context.awsRequestId ?? null,
        functionArn: context.invokedFunctionArn ?? null,
        functionName: context.functionName ?? null,
        functionVersion: context.functionVersion ?? null,
        // aws-lambda-ric copies AWS_LAMBDA_FUNCTION_MEMORY_SIZE as is: a string
        memoryLimitMb: context.memoryLimitInMB ?? null,
        logGroupName: context.logGroupName ?? null,
        logStreamName: context.logStreamName ?? null,
        remainingMs: typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : null,
        clientContext: context.clientContext ?? null,
        identity: context.identity ?? null,
        traceEnv: process.env._X_AMZN_TRACE_ID ?? null,
        tenantId: context.tenantId ?? null,
      };
    case 'env': {
      if (Array.isArray(event.names)) {
        return Object.fromEntries(event.names.map((n) => [n, process.env[n] ?? null]));
      }
      return { ...process.env };
    }
    case 'throw':
      throw namedError(event.errorType, event.message);
    case 'sleep': {
      await sleepMs(Number(event.ms));
      return { sleptMs: event.ms };
    }
    case 'counter':
      count += 1;
      return { count, pid: process.pid, initId };
    case 'tmp': {
      const path = tmpPath(event.file);
      appendFileSync(path, `${initId} ${process.pid} ${new Date().toISOString()}\n`);
      const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').length;
      return { lines };
    }
    case 'log': {
      // console.* as a Node user writes logs; aws-lambda-ric patches console (text/JSON format,
      // log level, telemetry fd) and sends console.error to stdout too, see README.md.
      const out = Array.isArray(event.stdout) ? event.stdout : [];
      const err = Array.isArray(event.stderr) ? event.stderr : [];
      for (const line of out) console.log(String(line));
      for (const line of err) console.error(String(line));
      return { logged: out.length + err.length };
    }
    case 'logger': {
      // console.<level> as a Node user logs; aws-lambda-ric's LogPatch formats, filters by
      // AWS_LAMBDA_LOG_LEVEL and frames each call to the telemetry fd.
      const records = Array.isArray(event.records) ? event.records : [];
      // sleepMs: log only after the wait, so a logger that keeps the request id in process-wide
      // state shows the id of an invocation delivered meanwhile
      if (Number(event.sleepMs) > 0) await sleepMs(Number(event.sleepMs));
      for (const r of records) {
        const method = LOGGER_METHODS[String(r?.level)];
        if (method === undefined) throw namedError('ProbeBadRequest', `unknown level ${JSON.stringify(r?.level)}`);
        console[method](String(r.message));
      }
      return { logged: records.length };
    }
    case 'exit':
      process.exit(Number(event.code));
      break;
    case 'memory': {
      const mb = Number(event.mb);
      const chunks = [];
      for (let i = 0; i < mb; i++) chunks.push(Buffer.allocUnsafe(1024 * 1024).fill(i & 0xff));
      let touched = 0;
      for (const c of chunks) touched += c[c.length - 1] >= 0 ? 1 : 0;
      return { allocatedMb: touched };
    }
    case 'import':
      // require, not import(): ES module resolution ignores NODE_PATH, where layers' modules are.
      return { value: createRequire(import.meta.url)(String(event.module)).value ?? null };
    case 'file':
      return { text: readFileSync(String(event.path), 'utf8') };
    default:
      throw namedError('ProbeUnknownOp', `unknown probe op: ${JSON.stringify(op)}`);
  }
}

// Bench only (scripts/bench-gate.sh): BUSY_WAIT_US spins that much CPU time per invoke, a known
// slowdown. CPU time, not wall time: a wall-clock spin also "spends" the time the CPU was busy with
// the mock's own work, so on a shared CPU 21.7 µs of spin added only 7 µs to a 217 µs round trip.
const busyWaitUs = Math.max(0, Number(process.env.BUSY_WAIT_US ?? 0) || 0);
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
function busyWait() {
  if (busyWaitUs <= 0) return;
  const end = cpuUs() + busyWaitUs;
  while (cpuUs() < end);
}

export const handler = async (event, context) => {
  busyWait();
  return run(event, context);
};

const streamify = globalThis.awslambda?.streamifyResponse;
export const streaming = streamify
  ? streamify(async (event, responseStream, context) => {
      if (event?.probe === 'stream') return streamOp(event, responseStream);
      const result = await run(event, context);
      const body = JSON.stringify(result === undefined ? null : result);
      responseStream.setContentType('application/json');
      // a few chunks, so a harness can see the body arrive in pieces
      const step = Math.max(1, Math.ceil(body.length / 4));
      for (let i = 0; i < body.length; i += step) responseStream.write(body.slice(i, i + step));
      responseStream.end();
    })
  : undefined;

/** The `stream` op (docs/probe-contract.md): `chunks` writes, `delayMs` apart, optionally failing after `failAfter`. */
async function streamOp(event, responseStream) {
  const count = (v, field, dflt) => {
    const n = v ?? dflt;
    if (!Number.isInteger(n) || n < 0) throw Object.assign(new Error(`${field} must be a non-negative integer`), { name: 'ProbeBadRequest' });
    return n;
  };
  const chunks = count(event.chunks, 'chunks', 3);
  const chunkBytes = event.chunkBytes === undefined ? undefined : count(event.chunkBytes, 'chunkBytes');
  const delayMs = event.delayMs ?? 0;
  const failAfter = event.failAfter === undefined ? undefined : count(event.failAfter, 'failAfter');
  const fail = (n) => Object.assign(new Error(`failed after ${n} chunks`), { name: 'ProbeStreamError' });
  let stream = responseStream;
  if (event.prelude !== undefined) stream = globalThis.awslambda.HttpResponseStream.from(responseStream, event.prelude);
  else stream.setContentType('application/octet-stream');
  for (let i = 0; i < chunks; i++) {
    if (failAfter === i) throw fail(i);
    if (i > 0 && delayMs > 0) await sleepMs(delayMs);
    stream.write(chunkBytes === undefined ? `chunk ${i}\n` : Buffer.alloc(chunkBytes, 0x61 + (i % 26)));
  }
  if (failAfter !== undefined && failAfter >= chunks) throw fail(chunks);
  stream.end();
}
