/**
 * The telemetry log fd through the process driver (under bubblewrap when present): the runtime gets
 * `_LAMBDA_TELEMETRY_LOG_FD` only when asked, its frames are decoded whole, and broken framing is kept
 * as evidence.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessDriver } from '../../harness/drivers/process.ts';
import { ExecutionEnvironment } from '../../harness/invoke/execution-environment.ts';
import { FAKE_CONFIG } from './fake-runtime.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const open: ExecutionEnvironment[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

/** node-plain, preceded by code that writes to the log fd when it is offered. */
async function environment(prelude: string, telemetryLogFd: boolean): Promise<ExecutionEnvironment> {
  const workDir = mkdtempSync(join(tmpdir(), 'bootspec-logfd-'));
  const taskRoot = join(workDir, 'task');
  mkdirSync(join(workDir, 'opt'));
  cpSync(join(ROOT, 'runtimes-under-test/node-plain'), taskRoot, { recursive: true });
  cpSync(join(taskRoot, 'runtime.js'), join(taskRoot, 'runtime-plain.js'));
  writeFileSync(join(taskRoot, 'runtime.js'), `'use strict';\nconst fs = require('node:fs');\n${prelude}\nrequire('./runtime-plain.js');\n`);
  const env = await ExecutionEnvironment.create({
    files: { taskRoot, optDir: join(workDir, 'opt'), bootstrap: '/var/task/bootstrap', bootstrapHostPath: join(taskRoot, 'bootstrap'), unzippedBytes: 0 },
    driver: new ProcessDriver(),
    config: { ...FAKE_CONFIG, handler: 'probe.handler' },
    workDir,
    telemetryLogFd,
  });
  open.push(env);
  return env;
}

const FRAME = `
function frame(type, text) {
  const body = Buffer.from(text);
  const head = Buffer.alloc(16);
  head.writeUInt32BE(type, 0);
  head.writeUInt32BE(body.length, 4);
  head.writeBigInt64BE(BigInt(Date.now()) * 1000n, 8);
  return Buffer.concat([head, body]);
}
const fd = process.env._LAMBDA_TELEMETRY_LOG_FD;
console.log('fd=' + fd);
`;

describe('the telemetry log fd', () => {
  it('is offered when asked, and each frame becomes one record, newlines kept', async () => {
    const env = await environment(`${FRAME}if (fd) { fs.writeSync(Number(fd), frame(0xa55a000f, 'first\\nsecond')); fs.writeSync(Number(fd), frame(0xa55a0016, '{"level":"ERROR"}')); }`, true);
    const r = await env.invoke({ event: { probe: 'echo', value: 1 } });
    expect(r.outcome).toBe('success');
    expect(env.telemetryLogFdOffered).toBe(true);
    expect(env.logs.some((l) => l.text === 'fd=3')).toBe(true);
    expect(env.logFrames.map((f) => [f.level, f.format, f.message])).toEqual([
      ['INFO', 'text', 'first\nsecond'],
      ['ERROR', 'json', '{"level":"ERROR"}'],
    ]);
    expect(env.logs.filter((l) => l.stream === 'telemetry').map((l) => l.text)).toEqual(['first\nsecond', '{"level":"ERROR"}']);
    expect(env.logFrameErrors).toEqual([]);
  });

  it('is not offered unless asked', async () => {
    const env = await environment(FRAME, false);
    await env.invoke({ event: { probe: 'echo', value: 1 } });
    expect(env.logs.some((l) => l.text === 'fd=undefined')).toBe(true);
    expect(env.telemetryLogFdOffered).toBe(false);
  });

  it('keeps broken framing as evidence', async () => {
    const env = await environment(`${FRAME}if (fd) fs.writeSync(Number(fd), 'plain text, no frame\\n' + 'x'.repeat(20));`, true);
    await env.invoke({ event: { probe: 'echo', value: 1 } });
    expect(env.logFrames).toEqual([]);
    expect(env.logFrameErrors).toEqual([expect.objectContaining({ offset: 0, reason: expect.stringMatching(/does not start with 0xA55A/) })]);
  });
});
