/** Test helpers: temp folders, zips built with yazl, and byte patches for zips yazl refuses to make. */
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { expect } from 'vitest';
import yazl from 'yazl';
import { BootspecError, type ErrorCode } from '../../harness/errors.ts';

export interface ZipItem {
  name: string;
  data?: string | Buffer;
  /** Permission bits; the file type bits are added from the kind of item. */
  mode?: number;
  dir?: boolean;
  /** Makes the item a symlink with this target. */
  link?: string;
  compress?: boolean;
}

/** A fresh temp folder; remove it with `cleanup`. */
export async function tempDir(prefix = 'bootspec-env-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

export async function cleanup(dir: string): Promise<void> {
  // Read-only folders from tests would stop rm for non-root users.
  await chmodTree(dir).catch(() => {});
  await rm(dir, { recursive: true, force: true });
}

async function chmodTree(dir: string): Promise<void> {
  const { readdir } = await import('node:fs/promises');
  await chmod(dir, 0o755);
  for (const d of await readdir(dir, { withFileTypes: true })) {
    if (d.isDirectory()) await chmodTree(path.join(dir, d.name));
  }
}

export async function makeZip(file: string, items: ZipItem[]): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const it of items) {
    if (it.dir) zip.addEmptyDirectory(it.name, { mode: 0o040000 | (it.mode ?? 0o755) });
    else if (it.link !== undefined) zip.addBuffer(Buffer.from(it.link), it.name, { mode: 0o120000 | 0o777, compress: false });
    else zip.addBuffer(Buffer.from(it.data ?? ''), it.name, { mode: 0o100000 | (it.mode ?? 0o644), compress: it.compress ?? true });
  }
  zip.end();
  await mkdir(path.dirname(file), { recursive: true });
  await pipeline(zip.outputStream, createWriteStream(file));
  return file;
}

/** Replaces every occurrence of `from` with `to` (same length) in the file: for names yazl will not write. */
export async function patchBytes(file: string, from: string, to: string): Promise<void> {
  if (from.length !== to.length) throw new Error('patchBytes needs equal lengths');
  const buf = await readFile(file);
  const needle = Buffer.from(from);
  let at = buf.indexOf(needle);
  if (at < 0) throw new Error(`${from} not found in ${file}`);
  while (at >= 0) {
    Buffer.from(to).copy(buf, at);
    at = buf.indexOf(needle, at + needle.length);
  }
  await writeFile(file, buf);
}

/** Calls `fn` on each central-directory header (offset of its signature) of the zip. */
export async function patchCentralHeaders(file: string, fn: (buf: Buffer, at: number) => void): Promise<void> {
  const buf = await readFile(file);
  const sig = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
  for (let at = buf.indexOf(sig); at >= 0; at = buf.indexOf(sig, at + 4)) fn(buf, at);
  await writeFile(file, buf);
}

/** Awaits `promise`, expects a BootspecError with `code`, and returns it for further checks. */
export async function expectBootspecError(promise: Promise<unknown>, code: ErrorCode): Promise<BootspecError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected ${code}`).toBeInstanceOf(BootspecError);
  const be = err as BootspecError;
  expect(be.code, be.message).toBe(code);
  expect(be.hint, `hint of ${code}`).toBeTruthy();
  return be;
}

export async function writeExecutable(file: string, text = '#!/bin/sh\necho hi\n', mode = 0o755): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  await chmod(file, mode);
  return file;
}
