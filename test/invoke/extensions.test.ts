/**
 * Extensions in a real execution environment (process driver, the node-plain runtime, the
 * extension-probe external extension): registration before the runtime, INVOKE per invocation,
 * SHUTDOWN with its reason, the shutdown budgets, and an extension crash.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessDriver } from '../../harness/drivers/process.ts';
import { ExecutionEnvironment } from '../../harness/invoke/execution-environment.ts';
import type { ExecutionEnvironmentOptions, LogLine } from '../../harness/invoke/types.ts';
import { FAKE_CONFIG } from './fake-runtime.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const EXTENSION = join(ROOT, 'runtimes-under-test/extension-probe/extensions/bootspec-probe-extension');
const open: ExecutionEnvironment[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

interface Setup {
  extension?: boolean;
  mode?: string;
  /** A runtime script instead of node-plain's (a file in /var/task run by node). */
  runtime?: string;
  /** An extra external extension, /opt/extensions/broken, with this content. */
  extraExtension?: string;
}

async function environment(s: Setup, over: Partial<ExecutionEnvironmentOptions> = {}): Promise<ExecutionEnvironment> {
  const workDir = mkdtempSync(join(tmpdir(), 'bootspec-ext-'));
  const taskRoot = join(workDir, 'task');
  const optDir = join(workDir, 'opt');
  mkdirSync(optDir);
  cpSync(join(ROOT, 'runtimes-under-test/node-plain'), taskRoot, { recursive: true });
  if (s.runtime) {
    cpSync(join(taskRoot, 'runtime.js'), join(taskRoot, 'runtime-plain.js'));
    writeFileSync(join(taskRoot, 'runtime.js'), s.runtime);
  }
  if (s.extension !== false) {
    mkdirSync(join(optDir, 'extensions'));
    cpSync(EXTENSION, join(optDir, 'extensions/bootspec-probe-extension'));
  }
  if (s.extraExtension) {
    mkdirSync(join(optDir, 'extensions'), { recursive: true });
    writeFileSync(join(optDir, 'extensions/broken'), s.extraExtension, { mode: 0o755 });
  }
  const env = await ExecutionEnvironment.create({
    files: { taskRoot, optDir, bootstrap: '/var/task/bootstrap', bootstrapHostPath: join(taskRoot, 'bootstrap'), unzippedBytes: 0 },
    driver: new ProcessDriver(),
    config: { ...FAKE_CONFIG, handler: 'probe.handler' },
    workDir,
    manifestEnv: s.mode ? { EXTENSION_PROBE: s.mode } : {},
    ...over,
  });
  open.push(env);
  return env;
}

/** The events the extension printed, in order. */
function extensionEvents(lines: readonly LogLine[]): { eventType: string; [k: string]: unknown }[] {
  return lines.filter((l) => l.text.startsWith('[bootspec-probe-extension] event ')).map((l) => JSON.parse(l.text.slice('[bootspec-probe-extension] event '.length)));
}

describe('extensions in an execution environment', () => {
  it('starts /opt/extensions before the runtime, delivers INVOKE per invocation and SHUTDOWN (spindown) at the end', async () => {
    const env = await environment({});
    const r1 = await env.invoke({ event: { probe: 'echo', value: 1 } });
    const r2 = await env.invoke({ event: { probe: 'echo', value: 2 } });
    expect(r1.outcome).toBe('success');
    expect(r2.outcome).toBe('success');
    const reg = env.logs.find((l) => l.text.startsWith('[bootspec-probe-extension] register '));
    expect(JSON.parse(reg?.text.slice('[bootspec-probe-extension] register '.length) ?? 'null')).toEqual({
      status: 200,
      body: { accountId: '123456789012', functionName: 'fake', functionVersion: '$LATEST', handler: 'probe.handler' },
    });
    const logs = env.logs;
    await env.close();
    const events = extensionEvents(logs);
    expect(events.map((e) => e.eventType)).toEqual(['INVOKE', 'INVOKE', 'SHUTDOWN']);
    expect(events[0]).toMatchObject({ requestId: r1.requestId, invokedFunctionArn: r1.request.functionArn, deadlineMs: r1.request.deadlineMs });
    expect(events[0]?.tracing).toEqual({ type: 'X-Amzn-Trace-Id', value: r1.request.traceId });
    expect(events[2]).toMatchObject({ shutdownReason: 'spindown' });
    const spawns = env.lifecycle.filter((e) => e.kind === 'spawn').map((e) => e.detail ?? 'runtime');
    expect(spawns).toEqual(['extension bootspec-probe-extension', 'runtime']);
    expect(env.lifecycle.some((e) => e.kind === 'sigkill')).toBe(false);
  });

  it('counts the time an INVOKE subscriber takes to call event/next again in the invocation', async () => {
    const env = await environment({ mode: 'slow-invoke:400' });
    const r = await env.invoke({ event: { probe: 'echo', value: 1 } });
    expect(r.outcome).toBe('success');
    expect(r.timings.durationMs).toBeGreaterThanOrEqual(400);
    expect((r.timings.resultAt ?? 0) - r.timings.startedAt).toBeLessThan(400);
  });

  it('sends SHUTDOWN (timeout) on a timeout reset, and starts the extension again with the re-init', async () => {
    const env = await environment({});
    const r = await env.invoke({ event: { probe: 'sleep', ms: 3000 }, timeoutMs: 300 });
    expect(r.outcome).toBe('timeout');
    const after = await env.invoke({ event: { probe: 'echo', value: 1 } });
    expect(after.outcome).toBe('success');
    expect(extensionEvents(env.logs).filter((e) => e.eventType === 'SHUTDOWN')).toEqual([expect.objectContaining({ shutdownReason: 'timeout' })]);
    expect(env.lifecycle.filter((e) => e.detail === 'extension bootspec-probe-extension')).toHaveLength(2);
  });

  it('SIGKILLs an extension that ignores SHUTDOWN at the 2 s deadline, and says so', async () => {
    const env = await environment({ mode: 'ignore-shutdown' });
    await env.invoke({ event: { probe: 'echo', value: 1 } });
    const t0 = Date.now();
    await env.close();
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(1500);
    expect(took).toBeLessThan(4000);
    expect(env.lifecycle.some((e) => e.kind === 'sigkill' && e.detail?.includes('extension bootspec-probe-extension'))).toBe(true);
  });

  it('resets the environment when an extension crashes during an invocation (Extension.Crash)', async () => {
    const env = await environment({ mode: 'crash-on-invoke' });
    const r = await env.invoke({ event: { probe: 'echo', value: 1 } });
    expect(r.outcome).toBe('success');
    expect(env.state).toBe('resetting');
    const next = await env.invoke({ event: { probe: 'echo', value: 2 } });
    expect(next.suppressedInit).toBe(true);
  });

  it('serves an internal extension registered from the runtime process, and SIGTERMs that runtime at shutdown', async () => {
    // What aws-lambda-go does for lambda.WithEnableSIGTERM (lambda/sigterm.go): a do-nothing internal
    // extension, no events, parked on event/next, so that Lambda sends SIGTERM before SIGKILL.
    const runtime = `'use strict';
const http = require('node:http');
const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');
const req = http.request({ host, port, method: 'POST', path: '/2020-01-01/extension/register', headers: { 'Lambda-Extension-Name': 'GoLangEnableSIGTERM' } }, (res) => {
  res.resume();
  console.log('register ' + res.statusCode);
  http.get({ host, port, path: '/2020-01-01/extension/event/next', headers: { 'Lambda-Extension-Identifier': res.headers['lambda-extension-identifier'] } }).on('error', () => {});
  process.on('SIGTERM', () => { console.log('SIGTERM received'); process.exit(0); });
  require('./runtime-plain.js');
});
req.end('{"events":[]}');
`;
    const env = await environment({ extension: false, runtime });
    const r = await env.invoke({ event: { probe: 'echo', value: 1 } });
    expect(r.outcome).toBe('success');
    expect(env.api.extensions.registered.map((e) => [e.name, e.external])).toEqual([['GoLangEnableSIGTERM', false]]);
    await env.close();
    expect(env.logs.map((l) => l.text)).toEqual(expect.arrayContaining(['register 200', 'SIGTERM received']));
    expect(env.lifecycle.filter((e) => e.kind === 'shutdown').map((e) => e.detail)).toEqual(['reason spindown, grace 500 ms (runtime 500 ms)']);
    expect(env.lifecycle.some((e) => e.kind === 'sigterm')).toBe(true);
    expect(env.lifecycle.some((e) => e.kind === 'sigkill')).toBe(false);
  });

  it('fails init with Extension.Crash when an external extension exits before it registers', async () => {
    const env = await environment({ extension: false, extraExtension: '#!/bin/sh\necho dying\nexit 3\n' });
    const r = await env.invoke({ event: { probe: 'echo', value: 1 } });
    expect(r.outcome).toBe('init-error');
    expect(r.errorType).toBe('Extension.Crash');
    expect(r.inits.map((a) => a.kind)).toEqual(['init-error', 'init-error']);
    expect(env.lifecycle.filter((e) => e.kind === 'spawn').map((e) => e.detail)).not.toContain(undefined);
  });
});
