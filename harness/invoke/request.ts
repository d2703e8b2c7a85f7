import { randomFillSync, randomUUID } from 'node:crypto';
import type { InvocationRequest } from '../api/types.ts';
import { BootspecError, ErrorCodes } from '../errors.ts';
import type { FunctionConfig } from '../environment/types.ts';
import type { InvokeOptions } from './types.ts';

// Random bytes drawn from a refilled pool, as randomUUID does: one randomBytes call costs ~2 µs
// (the invoke loop's largest per-invoke cost before this), a slice of the pool almost nothing.
const pool = Buffer.allocUnsafe(4096);
let poolAt = pool.length;

function randomHex(bytes: number): string {
  if (poolAt + bytes > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const hex = pool.toString('hex', poolAt, poolAt + bytes);
  poolAt += bytes;
  return hex;
}

/** An X-Ray trace header as Lambda renders it (SPEC.md §1.3). */
export function newTraceId(now = Date.now()): string {
  const epoch = Math.floor(now / 1000).toString(16).padStart(8, '0');
  return `Root=1-${epoch}-${randomHex(12)};Parent=${randomHex(8)};Sampled=0`;
}

export function functionArn(config: FunctionConfig, account = '123456789012'): string {
  return `arn:aws:lambda:${config.region}:${account}:function:${config.functionName}`;
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

/** Header values cannot hold CR, LF or NUL; refuse them here rather than break the connection later. */
function headerValue(name: string, value: string | null): string | null {
  if (value !== null && /[\r\n\0]/.test(value)) {
    throw new BootspecError(ErrorCodes.EVENT_INVALID, `${name} cannot contain CR, LF or NUL: ${JSON.stringify(value)}`);
  }
  return value;
}

/** The /next delivery for one invocation; the deadline is filled in when the invocation starts. */
export function buildRequest(opts: InvokeOptions, config: FunctionConfig, sendInvocationId: boolean): InvocationRequest {
  const r: InvocationRequest = {
    payload: eventBytes(opts.event),
    contentType: opts.contentType ?? 'application/json',
    requestId: opts.requestId ?? randomUUID(),
    functionArn: opts.functionArn ?? functionArn(config),
    deadlineMs: 0,
    traceId: opts.traceId === undefined ? newTraceId() : opts.traceId,
    clientContext: opts.clientContext ?? null,
    cognitoIdentity: opts.cognitoIdentity ?? null,
    tenantId: opts.tenantId ?? null,
    invocationId: opts.invocationId === undefined ? (sendInvocationId ? randomUUID() : null) : opts.invocationId,
    headerCase: opts.headerCase ?? 'canonical',
  };
  // Only values the caller chose can hold CR/LF/NUL; generated ones cannot. Named reads, not a loop
  // over keys: this runs per invoke.
  if (opts.requestId !== undefined) headerValue('requestId', r.requestId);
  if (opts.functionArn !== undefined) headerValue('functionArn', r.functionArn);
  if (opts.traceId !== undefined) headerValue('traceId', r.traceId);
  if (opts.clientContext !== undefined) headerValue('clientContext', r.clientContext);
  if (opts.cognitoIdentity !== undefined) headerValue('cognitoIdentity', r.cognitoIdentity);
  if (opts.tenantId !== undefined) headerValue('tenantId', r.tenantId);
  if (opts.invocationId !== undefined) headerValue('invocationId', r.invocationId);
  if (opts.contentType !== undefined) headerValue('contentType', r.contentType);
  return r;
}
