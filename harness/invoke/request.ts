import { randomFillSync, randomUUID } from 'node:crypto';
import { MAX_PAYLOAD_SIZE } from '../api/errors.ts';
import { LAMBDA_STREAM_BANDWIDTH, LAMBDA_STREAM_MAX_BYTES } from '../api/stream/bandwidth.ts';
import type { InvocationRequest } from '../api/types.ts';
import { BootspecError, ErrorCodes } from '../errors.ts';
import type { FunctionConfig } from '../environment/types.ts';
import type { InvokeOptions } from './types.ts';

// Random hex drawn from a pool refilled and rendered as hex in one go: one randomBytes call costs
// ~2 µs, one hex rendering of a few bytes ~0.1 µs, a slice of the rendered pool almost nothing.
const pool = Buffer.allocUnsafe(4096);
let poolHex = '';
let poolAt = pool.length * 2;

function randomHex(bytes: number): string {
  const chars = bytes * 2;
  if (poolAt + chars > poolHex.length) {
    randomFillSync(pool);
    poolHex = pool.toString('hex');
    poolAt = 0;
  }
  const hex = poolHex.slice(poolAt, poolAt + chars);
  poolAt += chars;
  return hex;
}

const ASCII = /^[\x00-\x7f]*$/;

let epochSecond = -1;
let epochHex = '';

/** An X-Ray trace header as Lambda renders it (docs/requirements.md#next). */
export function newTraceId(now = Date.now()): string {
  const s = Math.floor(now / 1000);
  if (s !== epochSecond) {
    epochSecond = s;
    epochHex = s.toString(16).padStart(8, '0');
  }
  return `Root=1-${epochHex}-${randomHex(12)};Parent=${randomHex(8)};Sampled=0`;
}

export function functionArn(config: FunctionConfig, account = '123456789012'): string {
  return `arn:aws:lambda:${config.region}:${account}:function:${config.functionName}`;
}

/** The last configuration's ARN and whether it is ASCII (a function name need not be): one per invoke otherwise. */
const lastArn = { region: '', name: '', arn: '', ascii: true };
function configArn(config: FunctionConfig): { readonly arn: string; readonly ascii: boolean } {
  if (config.region !== lastArn.region || config.functionName !== lastArn.name) {
    lastArn.region = config.region;
    lastArn.name = config.functionName;
    lastArn.arn = functionArn(config);
    lastArn.ascii = ASCII.test(lastArn.arn);
  }
  return lastArn;
}

export function eventBytes(event: unknown): Buffer {
  if (event === undefined) return Buffer.from('{}');
  if (Buffer.isBuffer(event)) return event;
  if (typeof event === 'string') return Buffer.from(event, 'utf8');
  try {
    return Buffer.from(JSON.stringify(event), 'utf8');
  } catch (err) {
    throw new BootspecError(ErrorCodes.EVENT_INVALID, `the event cannot be encoded as JSON: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Header values cannot hold CR, LF or NUL; refuse them here rather than break the connection later.
 * True when the value is ASCII (or absent).
 */
function headerValue(name: string, value: string | null): boolean {
  if (value === null) return true;
  if (/[\r\n\0]/.test(value)) {
    throw new BootspecError(ErrorCodes.EVENT_INVALID, `${name} cannot contain CR, LF or NUL: ${JSON.stringify(value)}`);
  }
  return ASCII.test(value);
}

/** The /next delivery for one invocation; the deadline is filled in when the invocation starts. */
export function buildRequest(opts: InvokeOptions, config: FunctionConfig, sendInvocationId: boolean): InvocationRequest {
  const generatedArn = opts.functionArn === undefined ? configArn(config) : undefined;
  const r: InvocationRequest = {
    payload: eventBytes(opts.event),
    contentType: opts.contentType ?? 'application/json',
    requestId: opts.requestId ?? randomUUID(),
    functionArn: generatedArn?.arn ?? (opts.functionArn as string),
    deadlineMs: 0,
    traceId: opts.traceId === undefined ? newTraceId() : opts.traceId,
    clientContext: opts.clientContext ?? null,
    cognitoIdentity: opts.cognitoIdentity ?? null,
    tenantId: opts.tenantId ?? null,
    invocationId: opts.invocationId === undefined ? (sendInvocationId ? randomUUID() : null) : opts.invocationId,
    headerCase: opts.headerCase ?? 'canonical',
    asciiHeaders: true,
  };
  if (opts.responseStream !== undefined) {
    const callerStreams = opts.responseStream.callerStreams ?? true;
    // A buffered caller of a streaming runtime gets at most the synchronous limit, unshaped (RAPID's sendPayloadLimitedResponse).
    const limits = callerStreams
      ? { maxBytes: LAMBDA_STREAM_MAX_BYTES, bandwidth: LAMBDA_STREAM_BANDWIDTH }
      : { maxBytes: MAX_PAYLOAD_SIZE, bandwidth: null };
    r.stream = { callerStreams, keepBytes: MAX_PAYLOAD_SIZE, ...limits, ...opts.responseStream };
  }
  // Only values the caller chose can hold CR/LF/NUL; generated ones cannot, and are ASCII but for the
  // function name in the ARN. Named reads, not a loop over keys: this runs per invoke.
  let ascii = generatedArn?.ascii ?? true;
  if (opts.requestId !== undefined) ascii = headerValue('requestId', r.requestId) && ascii;
  if (opts.functionArn !== undefined) ascii = headerValue('functionArn', r.functionArn) && ascii;
  if (opts.traceId !== undefined) ascii = headerValue('traceId', r.traceId) && ascii;
  if (opts.clientContext !== undefined) ascii = headerValue('clientContext', r.clientContext) && ascii;
  if (opts.cognitoIdentity !== undefined) ascii = headerValue('cognitoIdentity', r.cognitoIdentity) && ascii;
  if (opts.tenantId !== undefined) ascii = headerValue('tenantId', r.tenantId) && ascii;
  if (opts.invocationId !== undefined) ascii = headerValue('invocationId', r.invocationId) && ascii;
  if (opts.contentType !== undefined) ascii = headerValue('contentType', r.contentType) && ascii;
  r.asciiHeaders = ascii;
  return r;
}
