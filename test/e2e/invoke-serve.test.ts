import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive, cli, descendants, serve } from './cli.ts';

async function post(url: string, event: unknown, headers: Record<string, string> = {}) {
  const res = await request(url, { method: 'POST', body: JSON.stringify(event), headers });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: (() => { try { return JSON.parse(text) as Record<string, unknown>; } catch { return undefined; } })() };
}

describe.each(['node-plain', 'bash'])('runtime %s', (name) => {
  const dir = `runtimes-under-test/${name}`;

  it('invoke prints the result and exits 0', () => {
    const r = cli(['invoke', dir, '--event', '{"probe":"echo","value":{"a":[1,null,"é😀"]}}']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ a: [1, null, 'é😀'] });
    expect(r.code).toBe(0);
  });

  it('invoke exits 1 on a function error and prints the error body', () => {
    const r = cli(['invoke', dir, '--event', '{"probe":"throw","errorType":"E2eError","message":"boom"}']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ errorType: 'E2eError', errorMessage: 'boom' });
    expect(r.stderr).toContain('function-error');
  });

  it('invoke reports an init error with the runtime output', () => {
    const r = cli(['invoke', dir, '--env', 'PROBE_INIT=fail', '--logs']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('probe init failure');
    expect(r.stderr).toMatch(/INIT_REPORT Init Duration: [\d.]+ ms\tPhase: init\tStatus: error/);
    expect(r.stderr).toContain('/runtime/init/error');
  });

  describe('serve', () => {
    let s: Awaited<ReturnType<typeof serve>>;
    beforeAll(async () => {
      s = await serve([dir, '--timeout', '1']);
    });
    afterAll(() => {
      s.child.kill('SIGKILL');
    });

    it('answers like the AWS emulator, with Lambda\'s error header', async () => {
      const ok = await post(s.url, { probe: 'echo', value: 42 });
      expect(ok.status).toBe(200);
      expect(ok.text).toBe('42');
      expect(ok.json).toBe(42);
      expect(ok.headers['x-amz-function-error']).toBeUndefined();
      const err = await post(s.url, { probe: 'throw', errorType: 'ServeError', message: 'no' });
      expect(err.status).toBe(200);
      expect(err.headers['x-amz-function-error']).toBe('Unhandled');
      expect(err.json).toMatchObject({ errorType: 'ServeError', errorMessage: 'no' });
    });

    it('keeps globals and /tmp warm, resets globals but keeps /tmp after a timeout, and re-inits after a crash', async () => {
      const file = `e2e-${Date.now()}`;
      const c1 = (await post(s.url, { probe: 'counter' })).json as { count: number; initId: string };
      const c2 = (await post(s.url, { probe: 'counter' })).json as { count: number; initId: string };
      expect(c2.initId).toBe(c1.initId);
      expect(c2.count).toBe(c1.count + 1);
      expect((await post(s.url, { probe: 'tmp', file })).json).toEqual({ lines: 1 });
      expect((await post(s.url, { probe: 'tmp', file })).json).toEqual({ lines: 2 });

      const slow = await post(s.url, { probe: 'sleep', ms: 3000 });
      expect(slow.headers['x-amz-function-error']).toBe('Unhandled');
      expect(slow.json).toMatchObject({ errorType: 'Sandbox.Timedout' });
      expect(String(slow.json?.errorMessage)).toMatch(/^RequestId: \S+ Error: Task timed out after 1\.00 seconds$/);
      const c3 = (await post(s.url, { probe: 'counter' })).json as { count: number; initId: string };
      expect(c3.initId).not.toBe(c1.initId);
      expect(c3.count).toBe(1);
      expect((await post(s.url, { probe: 'tmp', file })).json).toEqual({ lines: 3 });

      const crash = await post(s.url, { probe: 'exit', code: 5 });
      expect(crash.headers['x-amz-function-error']).toBe('Unhandled');
      expect(crash.json).toMatchObject({ errorType: 'Runtime.ExitError' });
      expect(String(crash.json?.errorMessage)).toContain('Runtime exited with error: exit status 5');
      expect((await post(s.url, { probe: 'echo', value: 'back' })).text).toBe('"back"');
    });

    it('returns the log tail with X-Amz-Log-Type: Tail', async () => {
      const r = await post(s.url, { probe: 'log', stdout: ['tail-line-1'], stderr: [] }, { 'X-Amz-Log-Type': 'Tail' });
      const tail = Buffer.from(String(r.headers['x-amz-log-result']), 'base64').toString('utf8');
      expect(tail).toContain('tail-line-1');
      expect(tail).toMatch(/REPORT RequestId: /);
    });

    it('passes X-Amz-Client-Context (base64) and X-Amzn-Trace-Id through', async () => {
      const ctx = Buffer.from(JSON.stringify({ custom: { k: 'v' } })).toString('base64');
      const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a:1';
      const r = await post(s.url, { probe: 'context' }, { 'X-Amz-Client-Context': ctx, 'X-Amzn-Trace-Id': trace });
      expect(r.json).toMatchObject({ clientContext: { custom: { k: 'v' } }, traceEnv: trace });
    });
  });
});

describe('bad input gets a clear error', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'bootspec-e2e-'));

  it('a folder that does not exist', () => {
    const r = cli(['invoke', join(scratch, 'nope')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/does not exist/);
  });

  it('a bootstrap that is not executable', () => {
    const dir = join(scratch, 'noexec');
    mkdirSync(dir);
    writeFileSync(join(dir, 'bootstrap'), '#!/bin/sh\necho hi\n');
    const r = cli(['invoke', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/chmod \+x/);
  });

  it('a manifest with a typo names the field', () => {
    const dir = join(scratch, 'typo');
    mkdirSync(dir);
    writeFileSync(join(dir, 'runtime.json'), JSON.stringify({ name: 'typo', function: '.', handlr: 'x.y' }));
    const r = cli(['invoke', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/handlr/);
    expect(r.stderr).toMatch(/handler/);
  });

  it('a runtime that never calls /next is reported with its stderr', () => {
    const dir = join(scratch, 'silent');
    mkdirSync(dir);
    writeFileSync(join(dir, 'bootstrap'), '#!/bin/sh\necho "waiting forever" >&2\nexec sleep 60\n');
    chmodSync(join(dir, 'bootstrap'), 0o755);
    const r = cli(['invoke', dir, '--timeout', '1'], 90_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/never called GET \/2018-06-01\/runtime\/invocation\/next/);
    expect(r.stderr).toContain('waiting forever');
  }, 90_000);

  it('a usage error exits 2', () => {
    expect(cli(['invoke', 'runtimes-under-test/node-plain', '--timeout', 'abc']).code).toBe(2);
    expect(cli(['frobnicate']).code).toBe(2);
    expect(cli(['run', 'runtimes-under-test/node-plain', '--only', 'no.such.scenario']).code).toBe(2);
  });
});

describe('no process outlives bootspec', () => {
  it('Ctrl-C on serve ends every runtime process', async () => {
    const s = await serve(['runtimes-under-test/node-plain']);
    await post(s.url, { probe: 'echo', value: 1 });
    const tree = descendants(s.child.pid as number);
    expect(tree.length).toBeGreaterThan(0);
    s.child.kill('SIGINT');
    await new Promise((r) => s.child.once('exit', r));
    // The processes are killed as bootspec exits; their end is awaited, with a deadline, not slept for.
    const deadline = Date.now() + 5000;
    while (tree.some(alive) && Date.now() < deadline) await sleep(20);
    expect(tree.filter(alive)).toEqual([]);
  });
});
