import { chmod, lstat, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../harness/errors.ts';
import { assembleFiles, BOOTSTRAP_NOT_FOUND_MESSAGE, MAX_UNZIPPED_BYTES } from '../../harness/environment/index.ts';
import type { RuntimeManifest } from '../../harness/environment/index.ts';
import { cleanup, expectBootspecError, makeZip, tempDir, writeExecutable } from './helpers.ts';

let tmp: string;
let work: string;
beforeEach(async () => {
  tmp = await tempDir();
  work = path.join(tmp, 'work');
});
afterEach(async () => cleanup(tmp));

function manifest(fn: string, layers: string[] = []): RuntimeManifest {
  return {
    name: 'test-rt',
    description: '',
    probe: 1,
    dir: tmp,
    build: undefined,
    function: fn,
    layers,
    handler: 'handler',
    env: {},
    features: [],
    expectations: undefined,
    bare: false,
    conformance: true,
  };
}

const at = (...p: string[]): string => path.join(tmp, ...p);
const exe = { data: '#!/bin/sh\n', mode: 0o755 };

describe('assembleFiles: function', () => {
  it('uses a function folder in place and counts its size', async () => {
    await writeExecutable(at('fn/bootstrap'), '#!/bin/sh\n');
    const files = await assembleFiles(manifest(at('fn')), work);
    expect(files.taskRoot).toBe(at('fn'));
    expect(files.bootstrap).toBe('/var/task/bootstrap');
    expect(files.bootstrapHostPath).toBe(at('fn/bootstrap'));
    expect(files.bootstrapMode).toBe(0o755);
    expect(files.unzippedBytes).toBe(10);
    expect((await stat(files.optDir)).isDirectory()).toBe(true);
  });

  it('extracts a function zip to workDir/task, replacing an earlier one', async () => {
    await mkdir(path.join(work, 'task'), { recursive: true });
    await writeFile(path.join(work, 'task', 'stale.txt'), 'old');
    const zip = await makeZip(at('fn.zip'), [{ name: 'bootstrap', ...exe }]);
    const files = await assembleFiles(manifest(zip), work);
    expect(files.taskRoot.endsWith(path.join('work', 'task'))).toBe(true);
    expect((await stat(path.join(files.taskRoot, 'bootstrap'))).mode & 0o777).toBe(0o755);
    await expect(stat(path.join(files.taskRoot, 'stale.txt'))).rejects.toThrow();
  });

  it('names the missing artifact before anything else', async () => {
    const err = await expectBootspecError(assembleFiles(manifest(at('nope.zip')), work), ErrorCodes.RUNTIME_FOLDER_INVALID);
    expect(err.message).toContain('"function"');
  });
});

describe('assembleFiles: layers', () => {
  it('merges layers into /opt in order, the later file winning, even over read-only files and symlinks', async () => {
    await writeExecutable(at('fn/bootstrap'));
    const l1 = await makeZip(at('l1.zip'), [
      { name: 'common.txt', data: 'one' },
      { name: 'only1.txt', data: 'one' },
      { name: 'ro.txt', data: 'one', mode: 0o444 },
      { name: 'link.txt', link: 'only1.txt' },
      { name: 'bin/', dir: true, mode: 0o555 },
      { name: 'bin/tool', data: 'one', mode: 0o755 },
    ]);
    const l2 = await makeZip(at('l2.zip'), [
      { name: 'common.txt', data: 'two' },
      { name: 'ro.txt', data: 'two', mode: 0o644 },
      { name: 'link.txt', data: 'two' },
      { name: 'bin/tool', data: 'two', mode: 0o755 },
    ]);
    const files = await assembleFiles(manifest(at('fn'), [l1, l2]), work);
    const read = (p: string): Promise<string> => readFile(path.join(files.optDir, p), 'utf8');
    expect(await read('common.txt')).toBe('two');
    expect(await read('only1.txt')).toBe('one');
    expect(await read('ro.txt')).toBe('two');
    expect(await read('bin/tool')).toBe('two');
    // The link was replaced, not written through.
    expect((await lstat(path.join(files.optDir, 'link.txt'))).isFile()).toBe(true);
    expect(await read('link.txt')).toBe('two');
  });

  it('copies a layer folder (leaving it untouched) and merges it like a zip', async () => {
    await writeExecutable(at('fn/bootstrap'));
    const l1 = await makeZip(at('l1.zip'), [{ name: 'common.txt', data: 'one', mode: 0o444 }, { name: 'keep.txt', data: 'one' }]);
    await mkdir(at('l2/lib'), { recursive: true });
    await writeFile(at('l2/common.txt'), 'two');
    await writeFile(at('l2/lib/libx.so.1'), 'elf');
    await symlink('libx.so.1', at('l2/lib/libx.so'));
    await writeExecutable(at('l2/bin/run'));
    const files = await assembleFiles(manifest(at('fn'), [l1, at('l2')]), work);
    expect(await readFile(path.join(files.optDir, 'common.txt'), 'utf8')).toBe('two');
    expect(await readFile(path.join(files.optDir, 'keep.txt'), 'utf8')).toBe('one');
    expect(await readFile(path.join(files.optDir, 'lib/libx.so'), 'utf8')).toBe('elf');
    expect((await lstat(path.join(files.optDir, 'lib/libx.so'))).isSymbolicLink()).toBe(true);
    expect((await stat(path.join(files.optDir, 'bin/run'))).mode & 0o777).toBe(0o755);
    expect(await readFile(at('l2/common.txt'), 'utf8')).toBe('two');
  });

  it('refuses more than 5 layers', async () => {
    await writeExecutable(at('fn/bootstrap'));
    const layers = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => makeZip(at(`l${n}.zip`), [{ name: `f${n}`, data: 'x' }])));
    const err = await expectBootspecError(assembleFiles(manifest(at('fn'), layers), work), ErrorCodes.TOO_MANY_LAYERS);
    expect(err.message).toContain('6');
  });

  it('enforces one unzipped budget across function and layers', async () => {
    const fn = await makeZip(at('fn.zip'), [{ name: 'bootstrap', ...exe }, { name: 'a.bin', data: Buffer.alloc(590) }]);
    const l1 = await makeZip(at('l1.zip'), [{ name: 'b.bin', data: Buffer.alloc(600) }]);
    const err = await expectBootspecError(
      assembleFiles(manifest(fn, [l1]), work, { maxUnzippedBytes: 1000 }),
      ErrorCodes.UNZIPPED_SIZE_EXCEEDED,
    );
    expect(err.message).toContain('l1.zip');
    expect(err.message).toContain('function + layers');
    const files = await assembleFiles(manifest(fn, [l1]), work, { maxUnzippedBytes: 1200 });
    expect(files.unzippedBytes).toBe(1200);
  });

  it('defaults the budget to Lambda’s 250 MB', () => {
    expect(MAX_UNZIPPED_BYTES).toBe(262_144_000);
  });
});

describe('assembleFiles: bootstrap lookup', () => {
  it('prefers /var/task/bootstrap over /opt/bootstrap', async () => {
    await writeExecutable(at('fn/bootstrap'));
    const layer = await makeZip(at('l.zip'), [{ name: 'bootstrap', ...exe }]);
    const files = await assembleFiles(manifest(at('fn'), [layer]), work);
    expect(files.bootstrap).toBe('/var/task/bootstrap');
  });

  it('uses /opt/bootstrap when the function has none', async () => {
    await mkdir(at('fn'));
    await writeFile(at('fn/probe.sh'), 'echo');
    const layer = await makeZip(at('l.zip'), [{ name: 'bootstrap', ...exe }]);
    const files = await assembleFiles(manifest(at('fn'), [layer]), work);
    expect(files.bootstrap).toBe('/opt/bootstrap');
    expect(files.bootstrapHostPath).toBe(path.join(files.optDir, 'bootstrap'));
  });

  it('accepts a symlink to an executable, and skips a folder named bootstrap', async () => {
    await writeExecutable(at('fn/bin/real'));
    await symlink('bin/real', at('fn/bootstrap'));
    expect((await assembleFiles(manifest(at('fn')), work)).bootstrap).toBe('/var/task/bootstrap');

    await mkdir(at('fn2/bootstrap'), { recursive: true });
    const layer = await makeZip(at('l.zip'), [{ name: 'bootstrap', ...exe }]);
    expect((await assembleFiles(manifest(at('fn2'), [layer]), work)).bootstrap).toBe('/opt/bootstrap');
  });

  it('does not fall back to /opt when /var/task/bootstrap is not executable (as Lambda)', async () => {
    await writeExecutable(at('fn/bootstrap'), '#!/bin/sh\n', 0o644);
    const layer = await makeZip(at('l.zip'), [{ name: 'bootstrap', ...exe }]);
    const err = await expectBootspecError(assembleFiles(manifest(at('fn'), [layer]), work), ErrorCodes.BOOTSTRAP_NOT_EXECUTABLE);
    expect(err.message).toContain('/var/task/bootstrap');
    expect(err.message).toContain('0644');
    expect(err.hint).toContain(`chmod +x ${at('fn/bootstrap')}`);
  });

  it('reports a zipped bootstrap that lost its executable bit', async () => {
    const zip = await makeZip(at('fn.zip'), [{ name: 'bootstrap', data: '#!/bin/sh\n', mode: 0o644 }]);
    await expectBootspecError(assembleFiles(manifest(zip), work), ErrorCodes.BOOTSTRAP_NOT_EXECUTABLE);
  });

  it('gives Lambda’s message when there is no bootstrap at all', async () => {
    await mkdir(at('fn'));
    const err = await expectBootspecError(assembleFiles(manifest(at('fn')), work), ErrorCodes.BOOTSTRAP_NOT_FOUND);
    expect(err.message).toBe("Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]");
    expect(err.message).toBe(BOOTSTRAP_NOT_FOUND_MESSAGE);
    expect(err.hint).toContain('bootstrap');
  });

  it('points at a bootstrap one folder down (a zipped folder instead of its contents)', async () => {
    const zip = await makeZip(at('fn.zip'), [{ name: 'function/bootstrap', ...exe }]);
    const err = await expectBootspecError(assembleFiles(manifest(zip), work), ErrorCodes.BOOTSTRAP_NOT_FOUND);
    expect(err.hint).toContain(path.join('function', 'bootstrap'));
    expect(err.hint).toContain("zip the folder's contents");
  });

  it('treats a dangling bootstrap symlink as missing', async () => {
    await mkdir(at('fn'));
    await symlink('nowhere', at('fn/bootstrap'));
    await chmod(at('fn'), 0o755);
    await expectBootspecError(assembleFiles(manifest(at('fn')), work), ErrorCodes.BOOTSTRAP_NOT_FOUND);
  });
});
