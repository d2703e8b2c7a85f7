import { lstat, mkdir, readFile, readlink, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../harness/errors.ts';
import { extractZip } from '../../harness/environment/index.ts';
import { cleanup, expectBootspecError, makeZip, patchBytes, patchCentralHeaders, tempDir } from './helpers.ts';

let tmp: string;
let out: string;
beforeEach(async () => {
  tmp = await tempDir();
  out = path.join(tmp, 'out');
});
afterEach(async () => cleanup(tmp));

const zipAt = (name: string): string => path.join(tmp, name);
const mode = async (p: string): Promise<number> => (await stat(p)).mode & 0o7777;

describe('extractZip: what comes out', () => {
  it('extracts files and folders and keeps the executable bit of bootstrap', async () => {
    const zip = await makeZip(zipAt('f.zip'), [
      { name: 'bootstrap', data: '#!/bin/sh\n', mode: 0o755 },
      { name: 'lib/', dir: true },
      { name: 'lib/data.txt', data: 'hello' },
    ]);
    const result = await extractZip(zip, out);
    expect(await mode(path.join(out, 'bootstrap'))).toBe(0o755);
    expect(await mode(path.join(out, 'lib/data.txt'))).toBe(0o644);
    expect(await readFile(path.join(out, 'lib/data.txt'), 'utf8')).toBe('hello');
    expect(result).toEqual({ bytes: 15, entries: 3 });
  });

  it('uses 0644 for files and 0755 for folders when the zip has no unix attributes', async () => {
    const zip = await makeZip(zipAt('dos.zip'), [
      { name: 'd/', dir: true, mode: 0o700 },
      { name: 'd/f.txt', data: 'x', mode: 0o600 },
    ]);
    await patchCentralHeaders(zip, (buf, at) => {
      buf.writeUInt16LE(0x0014, at + 4); // made by MS-DOS
      buf.writeUInt32LE(0, at + 38); // no external attributes
    });
    await extractZip(zip, out);
    expect(await mode(path.join(out, 'd'))).toBe(0o755);
    expect(await mode(path.join(out, 'd/f.txt'))).toBe(0o644);
  });

  it('drops set-id bits but keeps the rest', async () => {
    const zip = await makeZip(zipAt('suid.zip'), [{ name: 'tool', data: 'x', mode: 0o4750 }]);
    await extractZip(zip, out);
    expect(await mode(path.join(out, 'tool'))).toBe(0o750);
  });

  it('creates a symlink whose target stays inside', async () => {
    const zip = await makeZip(zipAt('link.zip'), [
      { name: 'lib/libfoo.so.1', data: 'elf' },
      { name: 'lib/libfoo.so', link: 'libfoo.so.1' },
      { name: 'self', link: '.' },
    ]);
    await extractZip(zip, out);
    expect(await readlink(path.join(out, 'lib/libfoo.so'))).toBe('libfoo.so.1');
    expect(await readFile(path.join(out, 'lib/libfoo.so'), 'utf8')).toBe('elf');
  });

  it('follows an in-root folder symlink when a later entry writes under it', async () => {
    const zip = await makeZip(zipAt('via.zip'), [
      { name: 'real/', dir: true },
      { name: 'alias', link: 'real' },
      { name: 'alias/f.txt', data: 'x' },
    ]);
    await extractZip(zip, out);
    expect(await readFile(path.join(out, 'real/f.txt'), 'utf8')).toBe('x');
    expect((await lstat(path.join(out, 'alias'))).isSymbolicLink()).toBe(true);
  });
});

describe('extractZip: unsafe entries are refused by name', () => {
  it.each([
    ['a ".." segment', 'XX/evil.txt', '../evil.txt'],
    ['a ".." segment deeper down', 'a/XX/XX/evil.txt', 'a/../../evil.txt'],
    ['an absolute path', 'Xabs.txt', '/abs.txt'],
    ['a drive letter', 'XXwin.txt', 'C:win.txt'],
    ['a backslash trick', 'XXXevil.txt', '..\\evil.txt'],
  ])('%s', async (_what, placeholder, unsafe) => {
    const zip = await makeZip(zipAt('bad.zip'), [
      { name: 'ok.txt', data: 'fine' },
      { name: placeholder, data: 'boom', compress: false },
    ]);
    await patchBytes(zip, placeholder, unsafe);
    const err = await expectBootspecError(extractZip(zip, out), ErrorCodes.ZIP_UNSAFE_ENTRY);
    expect(err.message).toContain(JSON.stringify(unsafe));
    expect(err.message).toContain(zip);
    await expect(stat(path.join(tmp, 'evil.txt'))).rejects.toThrow();
  });

  it.each([
    ['a ".." target', '../../etc'],
    ['an absolute target', '/etc/passwd'],
    ['a deep ".." target', 'a/b/../../../x'],
  ])('a symlink with %s', async (_what, target) => {
    const zip = await makeZip(zipAt('link.zip'), [{ name: 'evil', link: target }]);
    const err = await expectBootspecError(extractZip(zip, out), ErrorCodes.ZIP_UNSAFE_ENTRY);
    expect(err.message).toContain('"evil"');
    expect(err.message).toContain(JSON.stringify(target));
    await expect(lstat(path.join(out, 'evil'))).rejects.toThrow();
  });

  it('a symlink that escapes only through another symlink (a -> ., b -> a/../x)', async () => {
    const zip = await makeZip(zipAt('chain.zip'), [
      { name: 'a', link: '.' },
      { name: 'b', link: 'a/../x' },
    ]);
    const err = await expectBootspecError(extractZip(zip, out), ErrorCodes.ZIP_UNSAFE_ENTRY);
    expect(err.message).toContain('"b"');
  });

  it('a file written through an earlier symlink that leads outside', async () => {
    // Put the escaping link in place by hand (as a folder layer could), then extract over it.
    await mkdir(out, { recursive: true });
    const { symlink } = await import('node:fs/promises');
    await mkdir(path.join(tmp, 'outside'));
    await symlink(path.join(tmp, 'outside'), path.join(out, 'lib'));
    const zip = await makeZip(zipAt('through.zip'), [{ name: 'lib/x.so', data: 'x' }]);
    const err = await expectBootspecError(extractZip(zip, out), ErrorCodes.ZIP_UNSAFE_ENTRY);
    expect(err.message).toContain('"lib/x.so"');
    await expect(stat(path.join(tmp, 'outside/x.so'))).rejects.toThrow();
  });
});

describe('extractZip: bad zips', () => {
  it('refuses a file that is not a zip, naming it', async () => {
    const file = zipAt('notes.zip');
    await writeFile(file, 'this is not a zip file at all');
    const err = await expectBootspecError(extractZip(file, out), ErrorCodes.ZIP_INVALID);
    expect(err.message).toContain(file);
  });

  it('refuses a truncated zip', async () => {
    const zip = await makeZip(zipAt('cut.zip'), [{ name: 'a.txt', data: 'x'.repeat(10_000) }]);
    const buf = await readFile(zip);
    await writeFile(zip, buf.subarray(0, buf.length - 30));
    await expectBootspecError(extractZip(zip, out), ErrorCodes.ZIP_INVALID);
  });

  it('refuses corrupt compressed data, naming the entry', async () => {
    const zip = await makeZip(zipAt('rot.zip'), [{ name: 'a.txt', data: 'abcdefgh'.repeat(4000) }]);
    const buf = await readFile(zip);
    buf.fill(0xff, 40, 80); // inside the deflate stream of the only entry
    await writeFile(zip, buf);
    const err = await expectBootspecError(extractZip(zip, out), ErrorCodes.ZIP_INVALID);
    expect(err.message).toContain('a.txt');
  });

  it('refuses a missing file', async () => {
    const err = await expectBootspecError(extractZip(zipAt('nope.zip'), out), ErrorCodes.ZIP_INVALID);
    expect(err.message).toContain('nope.zip');
  });
});

describe('extractZip: size budget', () => {
  it('stops when the content passes the budget', async () => {
    const zip = await makeZip(zipAt('big.zip'), [
      { name: 'a.bin', data: Buffer.alloc(600) },
      { name: 'b.bin', data: Buffer.alloc(600) },
    ]);
    const err = await expectBootspecError(extractZip(zip, out, { maxBytes: 1000 }), ErrorCodes.UNZIPPED_SIZE_EXCEEDED);
    expect(err.message).toContain('b.bin');
    expect((await extractZip(zip, path.join(tmp, 'out2'), { maxBytes: 1200 })).bytes).toBe(1200);
  });

  it('counts the bytes actually written, not the size the header claims', async () => {
    const zip = await makeZip(zipAt('bomb.zip'), [{ name: 'bomb.bin', data: Buffer.alloc(1_000_000) }]);
    await patchCentralHeaders(zip, (buf, at) => buf.writeUInt32LE(10, at + 24)); // claim 10 bytes
    const err = await expectBootspecError(extractZip(zip, out, { maxBytes: 1000 }), ErrorCodes.UNZIPPED_SIZE_EXCEEDED);
    expect(err.message).toContain('bomb.bin');
    const written = await stat(path.join(out, 'bomb.bin')).then((s) => s.size, () => 0);
    expect(written).toBeLessThan(100_000);
  });

  it('refuses an entry longer than its header says, within the budget', async () => {
    const zip = await makeZip(zipAt('liar.zip'), [{ name: 'liar.bin', data: Buffer.alloc(5000) }]);
    await patchCentralHeaders(zip, (buf, at) => buf.writeUInt32LE(10, at + 24));
    const err = await expectBootspecError(extractZip(zip, out), ErrorCodes.ZIP_INVALID);
    expect(err.message).toContain('liar.bin');
  });
});
