/**
 * The Managed Instances log socket (harness/invoke/log-socket.ts): lines from several connections,
 * each kept whole with `\r` inside, a last line without its newline, and records given to the
 * invocation they name (harness/invoke/log-buffer.ts).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { LogBuffer } from '../../harness/invoke/log-buffer.ts';
import { LOG_SOCKET_VARIABLE, LogSocket, requestIdOfLine } from '../../harness/invoke/log-socket.ts';
import type { LogLine } from '../../harness/invoke/types.ts';

async function write(path: string, chunks: string[]): Promise<void> {
  const c = createConnection(path);
  await new Promise<void>((resolve, reject) => c.once('connect', resolve).once('error', reject));
  for (const chunk of chunks) {
    c.write(chunk);
    await sleep(5);
  }
  await new Promise<void>((resolve) => c.end(resolve));
}

describe('requestIdOfLine', () => {
  it('reads requestId, or the Java client AWSRequestId, from a JSON record only', () => {
    expect(requestIdOfLine('{"level":"INFO","requestId":"r-1","message":"m"}')).toBe('r-1');
    expect(requestIdOfLine(' {"AWSRequestId":"r-2","message":"m"}')).toBe('r-2');
    expect(requestIdOfLine('2026-12-04T05:00:00Z\tr-3\tINFO\tplain text')).toBeUndefined();
    expect(requestIdOfLine('{"requestId":""}')).toBeUndefined();
    expect(requestIdOfLine('{"requestId": 7}')).toBeUndefined();
    expect(requestIdOfLine('{not json')).toBeUndefined();
  });
});

describe('LogSocket', () => {
  it('reads the lines of every connection, split across writes, and removes its file on close', async () => {
    const got: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'bootspec-log-socket-test-'));
    const socket = await LogSocket.open(dir, (text) => got.push(text));
    expect(socket.variable('/var/runtime/x')).toEqual({ [LOG_SOCKET_VARIABLE]: '/var/runtime/x/log.sock' });
    await Promise.all([write(socket.hostPath, ['{"requestId":"a","message":"one\\rtwo"}\n', 'half', ' a line\n']), write(socket.hostPath, ['no newline at the end'])]);
    await sleep(50);
    expect(socket.connections).toBe(2);
    expect(got.sort()).toEqual(['half a line', 'no newline at the end', '{"requestId":"a","message":"one\\rtwo"}'].sort());
    await socket.close();
    expect(existsSync(socket.hostPath)).toBe(false);
    rmSync(dir, { recursive: true });
  });

  it('gives each invocation in flight the records that name it', () => {
    const logs = new LogBuffer(true, undefined);
    const a: LogLine[] = [];
    const b: LogLine[] = [];
    logs.collectFor('a', a);
    logs.collectFor('b', b);
    const line = (text: string): LogLine => ({ at: 0, stream: 'log-socket', text, requestId: requestIdOfLine(text), generation: 1 });
    logs.push(line('{"requestId":"b","message":"for b"}'));
    logs.push(line('{"requestId":"a","message":"for a"}'));
    logs.push(line('nobody knows whose'));
    logs.release('a');
    logs.push(line('{"requestId":"a","message":"too late for a"}'));
    expect(a.map((l) => l.text)).toEqual(['{"requestId":"a","message":"for a"}']);
    expect(b.map((l) => l.text)).toEqual(['{"requestId":"b","message":"for b"}']);
    expect(logs.lines).toHaveLength(4);
  });
});
