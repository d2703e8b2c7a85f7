/**
 * The AWS event-stream binary encoding, as InvokeWithResponseStream answers in it: each message is a
 * prelude (total length, headers length, CRC32 of those 8 bytes), headers, payload, CRC32 of all that.
 * Header values here are strings only (type 7). Implemented as @smithy/eventstream-codec decodes it
 * (the codec the AWS SDK for JavaScript v3 uses; test/invoke/stream tests with the real client).
 */
import { crc32 } from 'node:zlib';

const STRING = 7;
/** The codec refuses messages over 16 MB: a larger payload is split across events. */
export const MAX_EVENT_PAYLOAD = 8 * 1024 * 1024;

export function encodeMessage(headers: readonly (readonly [string, string])[], payload: Buffer): Buffer {
  let headersLength = 0;
  const encoded = headers.map(([name, value]) => {
    const n = Buffer.from(name, 'utf8');
    const v = Buffer.from(value, 'utf8');
    headersLength += 1 + n.length + 1 + 2 + v.length;
    return [n, v] as const;
  });
  const total = 12 + headersLength + payload.length + 4;
  const msg = Buffer.allocUnsafe(total);
  msg.writeUInt32BE(total, 0);
  msg.writeUInt32BE(headersLength, 4);
  msg.writeUInt32BE(crc32(msg.subarray(0, 8)), 8);
  let at = 12;
  for (const [n, v] of encoded) {
    msg[at++] = n.length;
    at += n.copy(msg, at);
    msg[at++] = STRING;
    msg.writeUInt16BE(v.length, at);
    at += 2;
    at += v.copy(msg, at);
  }
  at += payload.copy(msg, at);
  msg.writeUInt32BE(crc32(msg.subarray(0, at)), at);
  return msg;
}

/** An event of InvokeWithResponseStream's stream, named as the Lambda API model names its members. */
export function encodeEvent(eventType: 'PayloadChunk' | 'InvokeComplete', contentType: string, payload: Buffer): Buffer {
  return encodeMessage(
    [
      [':event-type', eventType],
      [':content-type', contentType],
      [':message-type', 'event'],
    ],
    payload,
  );
}

/** PayloadChunk events for a piece of the response (one unless it is over the codec's size). */
export function payloadChunks(piece: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < piece.length; at += MAX_EVENT_PAYLOAD) {
    out.push(encodeEvent('PayloadChunk', 'application/octet-stream', piece.subarray(at, at + MAX_EVENT_PAYLOAD)));
  }
  return out;
}

export interface InvokeComplete {
  ErrorCode?: string;
  ErrorDetails?: string;
  LogResult?: string;
}

export function invokeCompleteEvent(complete: InvokeComplete): Buffer {
  return encodeEvent('InvokeComplete', 'application/json', Buffer.from(JSON.stringify(complete)));
}
