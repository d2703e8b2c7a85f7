import { describe, expect, it } from 'vitest';
import { encodeEvent, invokeCompleteEvent, payloadChunks } from '../../../harness/invoke/stream/event-stream.ts';

/** CRC-32 (IEEE), bit by bit: an implementation independent of node:zlib's. */
function crc32(buf: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of buf) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Decodes one message as the event-stream format defines it, checking both CRCs. */
function decode(msg: Buffer): { headers: Record<string, string>; payload: Buffer } {
  const total = msg.readUInt32BE(0);
  const headersLength = msg.readUInt32BE(4);
  expect(total).toBe(msg.length);
  expect(msg.readUInt32BE(8)).toBe(crc32(msg.subarray(0, 8)));
  expect(msg.readUInt32BE(total - 4)).toBe(crc32(msg.subarray(0, total - 4)));
  const headers: Record<string, string> = {};
  let at = 12;
  while (at < 12 + headersLength) {
    const nameLength = msg[at++] as number;
    const name = msg.toString('utf8', at, at + nameLength);
    at += nameLength;
    expect(msg[at++]).toBe(7);
    const valueLength = msg.readUInt16BE(at);
    at += 2;
    headers[name] = msg.toString('utf8', at, at + valueLength);
    at += valueLength;
  }
  return { headers, payload: msg.subarray(12 + headersLength, total - 4) };
}

describe('the event-stream encoding of InvokeWithResponseStream', () => {
  it('frames a PayloadChunk with its prelude, string headers and both CRCs', () => {
    const m = decode(encodeEvent('PayloadChunk', 'application/octet-stream', Buffer.from('héllo')));
    expect(m.headers).toEqual({ ':event-type': 'PayloadChunk', ':content-type': 'application/octet-stream', ':message-type': 'event' });
    expect(m.payload.toString()).toBe('héllo');
  });

  it('carries InvokeComplete as JSON', () => {
    const m = decode(invokeCompleteEvent({ ErrorCode: 'E', ErrorDetails: '{}' }));
    expect(m.headers[':event-type']).toBe('InvokeComplete');
    expect(JSON.parse(m.payload.toString())).toEqual({ ErrorCode: 'E', ErrorDetails: '{}' });
  });

  it('splits a piece larger than one event may carry', () => {
    const events = payloadChunks(Buffer.alloc(8 * 1024 * 1024 + 1, 1));
    expect(events).toHaveLength(2);
    expect(decode(events[1] as Buffer).payload.length).toBe(1);
  });
});
