/** The container driver's parts that need no Docker engine. */
import { lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newRunIdentity, ownerAlive } from '../../harness/drivers/container-cleanup.ts';
import { Fingerprint } from '../../harness/drivers/container-fingerprint.ts';
import { MB_PER_VCPU, sandboxLimits } from '../../harness/drivers/container-limits.ts';
import { GLIBC_FAMILY, RootfsTree } from '../../harness/drivers/container-rootfs.ts';
import { isBootspecError } from '../../harness/errors.ts';
import { compareRuns } from './compare-drivers.ts';

const work = mkdtempSync(join(tmpdir(), 'bootspec-container-parts-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('sandbox limits (docs/requirements.md#sandbox)', () => {
  it('caps at one vCPU per 1,769 MB, proportionally, in the quota model', () => {
    expect(sandboxLimits(MB_PER_VCPU, 512, 'quota')).toMatchObject({ nanoCpus: 1e9, cpuShares: 0 });
    expect(sandboxLimits(128, 512, 'quota').nanoCpus).toBe(Math.round((128 / 1769) * 1e9));
    expect(sandboxLimits(10_240, 512, 'quota').nanoCpus).toBeGreaterThan(5.7e9);
  });

  it('weighs one full CPU per 1,769 MB, with no cap, in the share model (the default)', () => {
    expect(sandboxLimits(MB_PER_VCPU)).toMatchObject({ nanoCpus: 0, cpuShares: 1024 });
    expect(sandboxLimits(128).cpuShares).toBe(74);
    expect(sandboxLimits(3538).cpuShares).toBe(2048);
  });

  it('sets memory, /tmp, nofile and nproc as Lambda does', () => {
    const l = sandboxLimits(256, 1024);
    expect(l).toMatchObject({ memoryBytes: 256 * 1024 * 1024, ephemeralBytes: 1024 * 1024 * 1024, nofile: 1024, nproc: 1024 });
    expect(sandboxLimits(128).ephemeralBytes).toBe(512 * 1024 * 1024);
  });

  it('refuses what Lambda refuses, naming the range', () => {
    for (const [mem, tmp] of [
      [100, 512],
      [128, 511],
      [128, 10_241],
      [128.5, 512],
    ] as const) {
      let err: unknown;
      try {
        sandboxLimits(mem, tmp);
      } catch (e) {
        err = e;
      }
      expect(isBootspecError(err, 'BOOTSPEC_ERR_USAGE')).toBe(true);
      expect((err as Error).message).toMatch(/from (128|512) to 10240/);
    }
  });
});

describe('image fingerprints', () => {
  it('stay the same for the same files and change with a file', () => {
    const dir = join(work, 'fp');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'a'), 'one');
    const before = new Fingerprint().tree(dir).digest();
    expect(new Fingerprint().tree(dir).digest()).toBe(before);
    writeFileSync(join(dir, 'a'), 'two!');
    expect(new Fingerprint().tree(dir).digest()).not.toBe(before);
  });

  it('read our own files by content, so a touched but unchanged Dockerfile keeps its tag', () => {
    const dir = join(work, 'own');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
    const before = new Fingerprint().content(dir).digest();
    utimesSync(join(dir, 'Dockerfile'), new Date(), new Date(Date.now() + 5000));
    expect(new Fingerprint().content(dir).digest()).toBe(before);
  });
});

describe('root filesystem from host files', () => {
  // a host layout with a merged-/usr style link: <host>/bin -> usr/bin, usr/bin/sh -> dash
  const host = join(work, 'host');
  mkdirSync(join(host, 'usr/bin'), { recursive: true });
  writeFileSync(join(host, 'usr/bin/dash'), '#!/bin/true\n', { mode: 0o755 });
  symlinkSync('dash', join(host, 'usr/bin/sh'));
  symlinkSync('usr/bin', join(host, 'bin'));
  mkdirSync(join(host, 'tree/skip'), { recursive: true });
  writeFileSync(join(host, 'tree/keep.txt'), 'k');
  writeFileSync(join(host, 'tree/skip/x.txt'), 'x');

  it('mirror mode recreates every link on the way, as the host has it', () => {
    const root = join(work, 'mirror');
    const t = new RootfsTree(root, { mode: 'mirror' });
    t.add(join(host, 'bin/sh'));
    expect(readlinkSync(join(root, host, 'bin'))).toBe('usr/bin');
    expect(readlinkSync(join(root, host, 'usr/bin/sh'))).toBe('dash');
    expect(lstatSync(join(root, host, 'usr/bin/dash')).isFile()).toBe(true);
  });

  it('canonical mode keeps real folders but the last link (a library soname)', () => {
    const root = join(work, 'canonical');
    const t = new RootfsTree(root, { mode: 'canonical' });
    t.add(join(host, 'bin/sh'));
    expect(lstatSync(join(root, host, 'bin'), { throwIfNoEntry: false })).toBeUndefined();
    expect(readlinkSync(join(root, host, 'usr/bin/sh'))).toBe('dash');
    expect(lstatSync(join(root, host, 'usr/bin/dash')).mode & 0o777).toBe(0o755);
  });

  it('leaves out excluded parts of a tree and records what is missing', () => {
    const root = join(work, 'tree');
    const t = new RootfsTree(root, { mode: 'canonical' });
    t.add(join(host, 'tree'), (rel) => rel === 'skip' || rel.startsWith('skip/'));
    t.add(join(host, 'nope'));
    expect(lstatSync(join(root, host, 'tree/keep.txt')).isFile()).toBe(true);
    expect(lstatSync(join(root, host, 'tree/skip'), { throwIfNoEntry: false })).toBeUndefined();
    expect(t.missing).toEqual([join(host, 'nope')]);
  });

  it('knows glibc from the libraries that may go over another distribution', () => {
    for (const p of ['/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2', '/usr/lib/x86_64-linux-gnu/libpthread.so.0', '/x/libnss_files.so.2']) {
      expect(GLIBC_FAMILY.test(p), p).toBe(true);
    }
    for (const p of ['/usr/lib/x86_64-linux-gnu/libstdc++.so.6', '/usr/lib/x86_64-linux-gnu/libcurl.so.4', '/x/libcrypto.so.3']) {
      expect(GLIBC_FAMILY.test(p), p).toBe(false);
    }
  });
});

describe('container ownership', () => {
  it('sees its own process as alive, a dead pid as gone, another host as unknowable', () => {
    const own = newRunIdentity().owner;
    expect(own.startsWith(`${hostname()}:${process.pid}:`)).toBe(true);
    expect(ownerAlive(own)).toBe(true);
    // the real start time is read from /proc: a wrong one means the pid was reused
    expect(ownerAlive(`${hostname()}:${process.pid}:1`)).toBe(false);
    expect(ownerAlive(`${hostname()}:999999999:1`)).toBe(false);
    expect(ownerAlive('some-other-host:1:1')).toBe(true);
  });
});

describe('driver parity check', () => {
  const run = (driver: string, verdicts: Record<string, string>) => ({
    runtime: { name: 'r', driver },
    results: Object.entries(verdicts).map(([id, verdict]) => ({ id, verdict, message: '' })),
  });

  it('ignores the container-only scenarios and reports any other difference', () => {
    const a = run('process', { 'echo.x': 'pass', 'sandbox.tmp.full': 'skip', 'init.y': 'fail' });
    const b = run('container', { 'echo.x': 'pass', 'sandbox.tmp.full': 'pass', 'init.y': 'pass' });
    const r = compareRuns([a], [b]);
    expect(r.compared).toBe(2);
    expect(r.differences.map((d) => `${d.id} ${d.a}/${d.b}`)).toEqual(['init.y fail/pass']);
  });
});
