/** The driver factory and the process driver's per-environment handle (no Docker needed). */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDriver } from '../../harness/drivers/open.ts';
import type { LogStream } from '../../harness/drivers/types.ts';
import { isBootspecError } from '../../harness/errors.ts';

const work = mkdtempSync(join(tmpdir(), 'bootspec-open-driver-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function sandboxSpec(script: string) {
  const taskRoot = join(work, `task-${Math.random().toString(36).slice(2)}`);
  const optDir = join(taskRoot, 'opt');
  const tmpDir = join(taskRoot, 'tmp');
  mkdirSync(optDir, { recursive: true });
  mkdirSync(tmpDir);
  writeFileSync(join(taskRoot, 'bootstrap'), `#!/bin/sh\n${script}\n`);
  chmodSync(join(taskRoot, 'bootstrap'), 0o755);
  return { taskRoot, optDir, tmpDir, memoryMb: 128 };
}

describe('openDriver', () => {
  it('builds one driver per target in a process, and reuses it', () => {
    const a = openDriver({ driver: 'process', noSandbox: true });
    expect(openDriver({ driver: 'process', noSandbox: true })).toBe(a);
    expect(openDriver({ driver: 'process', noSandbox: false })).not.toBe(a);
  });

  it('refuses a container run without its prepared target, saying how to prepare one', () => {
    let err: unknown;
    try {
      openDriver({ driver: 'container', container: undefined });
    } catch (e) {
      err = e;
    }
    expect(isBootspecError(err, 'BOOTSPEC_ERR_USAGE')).toBe(true);
    expect((err as { hint?: string }).hint).toMatch(/ContainerDriver\.prepare/);
  });
});

describe('the process driver\'s sandbox handle', () => {
  it('starts processes with the host paths of its environment (no bubblewrap), and reads their output', async () => {
    const spec = sandboxSpec('echo "tmp=$TMPDIR"; exit 3');
    const sandbox = await openDriver({ driver: 'process', noSandbox: true }).open(spec);
    expect(sandbox.paths).toEqual({ taskRoot: spec.taskRoot, optDir: spec.optDir, runtimeDir: spec.taskRoot, tmpDir: spec.tmpDir });
    expect(sandbox.exec).toBeUndefined();
    const lines: string[] = [];
    const proc = await sandbox.start({ bootstrap: '/var/task/bootstrap', env: { PATH: '/usr/bin:/bin' }, onLine: (_s: LogStream, t: string) => lines.push(t) });

    const exit = await proc.exited;

    expect(exit).toMatchObject({ code: 3, signal: null });
    expect(lines).toEqual([`tmp=${spec.tmpDir}`]);
    await sandbox[Symbol.asyncDispose]();
  });

  it('kills what still runs in it when disposed of', async () => {
    const spec = sandboxSpec('exec sleep 60');
    const sandbox = await openDriver({ driver: 'process', noSandbox: true }).open(spec);
    const proc = await sandbox.start({ bootstrap: '/var/task/bootstrap', env: { PATH: '/usr/bin:/bin' }, onLine: () => undefined });
    expect(proc.hasExited).toBe(false);

    await sandbox[Symbol.asyncDispose]();

    expect(proc.hasExited).toBe(true);
    expect((await proc.exited).signal).toBe('SIGKILL');
  });
});
