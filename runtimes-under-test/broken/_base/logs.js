'use strict';
// The function's console, as the AWS Node client patches it (aws-lambda-ric LogPatch.js): with
// AWS_LAMBDA_LOG_FORMAT=JSON each record is one JSON object {timestamp, level, requestId, message}
// filtered by AWS_LAMBDA_LOG_LEVEL; when Lambda offers _LAMBDA_TELEMETRY_LOG_FD each record is one
// frame on it (big-endian type 0xA55A0000 | level << 2 | timestamp-present << 1 | text, length,
// microsecond timestamp, message; newlines kept). With neither, console is left alone (node-plain).
// docs/requirements.md#telemetry-log-fd.frames, #json-logs.fields, #json-logs.level-filter

const fs = require('node:fs');
const util = require('node:util');
const { defect } = require('./defects.js');

/** The level codes of the frame type, and the order the level filter compares. */
const LEVELS = { TRACE: 1, DEBUG: 2, INFO: 3, WARN: 4, ERROR: 5, FATAL: 6 };
const METHODS = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', log: 'INFO', warn: 'WARN', error: 'ERROR' };

function frame(level, json, message, at) {
  const body = Buffer.from(message, 'utf8');
  const head = Buffer.alloc(16);
  head.writeUInt32BE((0xa55a0000 | (LEVELS[level] << 2) | 2 | (json ? 0 : 1)) >>> 0, 0);
  // DEFECT frame-length-chars: the length in UTF-16 code units, not bytes (wrong for non-ASCII text).
  head.writeUInt32BE(defect === 'frame-length-chars' ? message.length : body.length, 4);
  // DEFECT frame-timestamp-ms: milliseconds where the frame wants microseconds (a date in 1970).
  head.writeBigInt64BE(defect === 'frame-timestamp-ms' ? BigInt(at.getTime()) : BigInt(at.getTime()) * 1000n, 8);
  return Buffer.concat([head, body]);
}

/** concurrent-logs-held: records of a Managed Instances environment, kept until the process exits. */
const held = [];

/** Writes one record: a frame per record on the fd (synchronously, so records keep their order). */
function writeRecord(fd, level, json, message, at) {
  // DEFECT concurrent-logs-held: with several invocations at once, records wait for the process to end.
  if (defect === 'concurrent-logs-held' && process.env.AWS_LAMBDA_INITIALIZATION_TYPE === 'lambda-managed-instances') {
    if (held.length === 0) process.on('exit', () => fs.writeSync(1, held.join('')));
    held.push(`${message.replace(/\n/g, '\r')}\n`);
    return;
  }
  if (fd === undefined) {
    process.stdout.write(`${message.replace(/\n/g, '\r')}\n`);
    return;
  }
  // DEFECT splits-log-frames: one frame per line, so a multi-line record arrives as several.
  const parts = defect === 'splits-log-frames' ? message.split('\n') : [message];
  for (const part of parts) fs.writeSync(fd, frame(level, json, part, at));
}

/** Patches console.* when Lambda asks for JSON logs or offers the telemetry fd; `requestId()` and `tenantId()` are the invocation's. */
function patchConsole(requestId, tenantId) {
  const fdVariable = process.env._LAMBDA_TELEMETRY_LOG_FD;
  const json = process.env.AWS_LAMBDA_LOG_FORMAT === 'JSON';
  if (fdVariable === undefined && !json) return;
  // The client removes it, so a child process does not write into the runtime's frames.
  delete process.env._LAMBDA_TELEMETRY_LOG_FD;
  const fd = fdVariable === undefined ? undefined : Number.parseInt(fdVariable, 10);
  // The application log level applies to the JSON format only (dg/monitoring-cloudwatchlogs-advanced.html).
  const wanted = json ? LEVELS[String(process.env.AWS_LAMBDA_LOG_LEVEL).toUpperCase()] ?? LEVELS.TRACE : LEVELS.TRACE;
  // DEFECT ignores-log-level: every record is written, whatever AWS_LAMBDA_LOG_LEVEL says.
  const minimum = defect === 'ignores-log-level' ? LEVELS.TRACE : wanted;
  for (const [method, level] of Object.entries(METHODS)) {
    console[method] = (...args) => {
      if (LEVELS[level] < minimum) return;
      const at = new Date();
      const message = util.format(...args);
      const id = requestId();
      // A tenant-isolated invocation's records carry its tenant (dg/tenant-isolation-monitor.html).
      // DEFECT json-logs-no-tenant: the records never say which tenant they belong to.
      const tenant = defect === 'json-logs-no-tenant' ? undefined : tenantId();
      const text = json
        ? // DEFECT json-logs-no-request-id: the record leaves out the invocation's request id.
          JSON.stringify({ timestamp: at.toISOString(), level, ...(defect === 'json-logs-no-request-id' ? {} : { requestId: id }), message, ...(tenant ? { tenantId: tenant } : {}) })
        : `${at.toISOString()}\t${id ?? 'undefined'}\t${level}\t${message}`;
      writeRecord(fd, level, json, text, at);
    };
  }
}

module.exports = { patchConsole };
