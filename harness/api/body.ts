import type { IncomingMessage } from 'node:http';

export type BodyResult =
  /** The whole body, within the limit. */
  | { kind: 'ok'; body: Buffer; size: number; trailers: Record<string, string> }
  /** More than `limit` bytes arrived; only the first `limit` were kept, the rest was drained. */
  | { kind: 'too-large'; size: number }
  /** The client went away before the body ended. */
  | { kind: 'truncated'; size: number };

/**
 * Reads a request body while holding at most `limit` bytes in memory. Past the limit it keeps
 * reading and discarding, so the client can finish writing and read our 413 (a client that is cut off
 * mid-write sees EPIPE, not the answer), but a runtime that sends 1 GB cannot exhaust the mock.
 */
export function readBoundedBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: BodyResult) => {
      if (done) return;
      done = true;
      resolve(r);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > limit) return finish({ kind: 'too-large', size });
      const trailers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.trailers)) if (v !== undefined) trailers[k] = v;
      finish({ kind: 'ok', body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size), size, trailers });
    });
    // 'aborted' / 'error' / 'close' before 'end': the body was cut off (SPEC.md §1.4 TruncatedHTTPRequest).
    req.on('error', () => finish({ kind: 'truncated', size }));
    req.on('close', () => {
      if (!req.complete) finish({ kind: 'truncated', size });
    });
  });
}
