import type { Readable } from 'node:stream';

/** CloudWatch's event size limit; a longer line is cut there so one runaway line cannot eat memory. */
export const MAX_LINE_BYTES = 256 * 1024;

/**
 * Splits a stream into lines on '\n' only: '\r' stays inside the line, because runtimes fold
 * multi-line messages with it (docs/requirements.md#logging). A last line without '\n' is delivered at the end.
 */
export function splitLines(stream: Readable, onLine: (text: string, at: number) => void): Promise<void> {
  return new Promise((resolve) => {
    let parts: Buffer[] = [];
    let size = 0;
    const emit = () => {
      const text = Buffer.concat(parts, size).toString('utf8');
      parts = [];
      size = 0;
      onLine(text, Date.now());
    };
    stream.on('data', (chunk: Buffer) => {
      let start = 0;
      for (;;) {
        const i = chunk.indexOf(10, start);
        const end = i === -1 ? chunk.length : i;
        if (end > start && size < MAX_LINE_BYTES) {
          const piece = chunk.subarray(start, Math.min(end, start + MAX_LINE_BYTES - size));
          parts.push(piece);
          size += piece.length;
        }
        if (i === -1) break;
        emit();
        start = i + 1;
      }
    });
    let ended = false;
    const done = () => {
      if (ended) return;
      ended = true;
      if (parts.length) emit();
      resolve();
    };
    stream.on('end', done);
    stream.on('error', done);
    stream.on('close', done);
  });
}
