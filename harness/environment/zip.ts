/**
 * Safe, bounded zip extraction: what Lambda does with a function or layer zip, minus the ways a
 * hostile zip could write outside the folder or fill the disk.
 */
import { createWriteStream } from 'node:fs';
import { chmod, symlink } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { BootspecError, ErrorCodes } from '../errors.ts';
import { clearPath, ensureDirs, lstatOrUndefined, openRoot, resolveInRoot, RootEscapeError } from './confined-fs.ts';
import { MAX_UNZIPPED_BYTES, UnzippedBudget } from './limits.ts';
import type { ExtractOptions, ExtractResult } from './types.ts';

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
/** PATH_MAX: no real symlink target is longer. */
const MAX_LINK_TARGET_BYTES = 4096;

// Not in @types/yauzl (written for 2.x); present in yauzl 3.
const getFileNameLowLevel = (
  yauzl as unknown as {
    getFileNameLowLevel(flags: number, raw: Buffer, extra: Entry['extraFields'], strict: boolean): string;
  }
).getFileNameLowLevel;

type EntryKind = 'dir' | 'file' | 'link';

/** Extracts `zipPath` into `destDir` (created if needed), merging over what is there. */
export async function extractZip(zipPath: string, destDir: string, opts: ExtractOptions = {}): Promise<ExtractResult> {
  const budget = opts.budget ?? new UnzippedBudget(opts.maxBytes ?? MAX_UNZIPPED_BYTES, zipPath);
  const zip = await openZip(zipPath);
  const result: ExtractResult = { bytes: 0, entries: 0 };
  const dirModes: Array<[string, number]> = [];
  let current = '';
  try {
    const root = await openRoot(destDir);
    for (let entry = await nextEntry(zip); entry !== undefined; entry = await nextEntry(zip)) {
      current = entryName(entry);
      const segments = safeSegments(current, zipPath);
      if (segments.length === 0) continue;
      const where = `${zipPath} entry ${JSON.stringify(current)}`;
      if (entry.isEncrypted()) throw invalid(zipPath, `entry ${JSON.stringify(current)} is encrypted`);
      const kind = entryKind(entry, current, zipPath);
      const mode = entry.externalFileAttributes >>> 16;
      const perms = (mode & 0o777) !== 0 ? mode & 0o777 : undefined;
      if (kind === 'dir') {
        dirModes.push([await ensureDirs(root, segments), perms ?? 0o755]);
      } else {
        if (!budget.fits(entry.uncompressedSize)) throw budget.exceeded(where);
        const parent = await ensureDirs(root, segments.slice(0, -1));
        const target = path.join(parent, segments[segments.length - 1] as string);
        await clearPath(target);
        const stream = await openReadStream(zip, entry);
        if (kind === 'file') {
          result.bytes += await writeFile(stream, target, entry.uncompressedSize, budget, where, current);
          await chmod(target, perms ?? 0o644);
        } else {
          const linkTarget = await readLinkTarget(stream, current);
          budget.take(Buffer.byteLength(linkTarget), where);
          result.bytes += Buffer.byteLength(linkTarget);
          await checkLink(root, parent, linkTarget, current, zipPath);
          await symlink(linkTarget, target);
        }
      }
      result.entries += 1;
    }
    // Deepest first, and always owner-writable so a later layer can still merge into it.
    for (const [dir, perms] of dirModes.reverse()) {
      // A later entry of the same name may have replaced the folder with a file.
      if ((await lstatOrUndefined(dir))?.isDirectory()) await chmod(dir, perms | 0o700);
    }
    return result;
  } catch (err) {
    throw translate(err, zipPath, current);
  } finally {
    if (zip.isOpen) zip.close();
  }
}

function openZip(zipPath: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    // decodeStrings off: we decode names ourselves so an unsafe name is reported as such, by name.
    yauzl.open(zipPath, { lazyEntries: true, decodeStrings: false, validateEntrySizes: false }, (err, zip) => {
      if (err) reject(openError(err, zipPath));
      else {
        // Errors outside a readEntry() would otherwise crash the process as unhandled 'error' events.
        zip.on('error', () => {});
        resolve(zip);
      }
    });
  });
}

function openError(err: Error, zipPath: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new BootspecError(ErrorCodes.ZIP_INVALID, `${zipPath} does not exist`, {
      hint: 'check the path, or run the build that creates it',
    });
  }
  if (code === 'EISDIR') return invalid(zipPath, 'it is a folder');
  return translate(err, zipPath, '');
}

function nextEntry(zip: ZipFile): Promise<Entry | undefined> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (e: Entry): void => {
      done();
      resolve(e);
    };
    const onEnd = (): void => {
      done();
      resolve(undefined);
    };
    const onError = (err: Error): void => {
      done();
      reject(err);
    };
    zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
    zip.readEntry();
  });
}

function openReadStream(zip: ZipFile, entry: Entry): Promise<Readable> {
  return new Promise((resolve, reject) => zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))));
}

function entryName(entry: Entry): string {
  const raw = (entry as unknown as { fileNameRaw: Buffer }).fileNameRaw;
  // strict: keep backslashes so `..\evil` is seen for what it is.
  return getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, true);
}

/** The entry's path as segments, or ZIP_UNSAFE_ENTRY naming it. */
export function safeSegments(name: string, zipPath: string): string[] {
  const unsafe = (why: string, hint: string): BootspecError =>
    new BootspecError(ErrorCodes.ZIP_UNSAFE_ENTRY, `${zipPath}: entry ${JSON.stringify(name)} ${why}; refusing to extract it`, {
      hint,
    });
  const rebuild = 'rebuild the zip from inside the folder, e.g. (cd build/function && zip -r ../function.zip .)';
  if (name.includes('\0')) throw unsafe('contains a NUL byte', rebuild);
  if (name.includes('\\')) {
    throw unsafe(
      'contains a backslash',
      'zip entry names must use "/" as separator; re-create the zip with zip -r, 7z, or PowerShell 7+ Compress-Archive',
    );
  }
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) throw unsafe('is an absolute path', rebuild);
  const segments = name.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw unsafe('has a ".." segment that points outside the extraction folder', rebuild);
  return segments;
}

function entryKind(entry: Entry, name: string, zipPath: string): EntryKind {
  // The upper 16 bits hold a unix st_mode when the zip was made on unix. Honoured whenever present,
  // not only for "made by unix" zips: Windows-side tools are often told to set 0o755 there for bootstrap.
  const type = (entry.externalFileAttributes >>> 16) & S_IFMT;
  if (name.endsWith('/') || type === S_IFDIR) return 'dir';
  if (type === S_IFLNK) return 'link';
  if (type === 0 || type === S_IFREG) return 'file';
  throw new BootspecError(
    ErrorCodes.ZIP_UNSAFE_ENTRY,
    `${zipPath}: entry ${JSON.stringify(name)} is a special file (mode ${type.toString(8)}); refusing to extract it`,
    { hint: 'a function or layer zip may hold only files, folders and symlinks' },
  );
}

async function writeFile(
  stream: Readable,
  target: string,
  claimed: number,
  budget: UnzippedBudget,
  where: string,
  name: string,
): Promise<number> {
  let written = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, callback) {
      written += chunk.length;
      try {
        // Real bytes, not the header's claim: the budget check comes first so a lying header is a size error.
        budget.take(chunk.length, where);
      } catch (err) {
        callback(err as Error);
        return;
      }
      if (written > claimed) callback(new EntryError(`entry ${JSON.stringify(name)} holds more data than its header says (${claimed} bytes)`));
      else callback(null, chunk);
    },
  });
  await pipeline(stream, counter, createWriteStream(target, { flags: 'wx', mode: 0o600 }));
  if (written !== claimed) throw new EntryError(`entry ${JSON.stringify(name)} is ${written} bytes, its header says ${claimed}`);
  return written;
}

async function readLinkTarget(stream: Readable, name: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_LINK_TARGET_BYTES) {
      stream.destroy();
      throw new EntryError(`entry ${JSON.stringify(name)} is a symlink whose target is longer than ${MAX_LINK_TARGET_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function checkLink(root: string, parent: string, target: string, name: string, zipPath: string): Promise<void> {
  const refuse = (why: string): BootspecError =>
    new BootspecError(
      ErrorCodes.ZIP_UNSAFE_ENTRY,
      `${zipPath}: entry ${JSON.stringify(name)} is a symlink to ${JSON.stringify(target)}, which ${why}; refusing to extract it`,
      { hint: 'symlinks in a function or layer zip must point inside it with a relative target, e.g. lib/libfoo.so -> libfoo.so.1' },
    );
  if (target === '' || target.includes('\0')) throw refuse('is not a valid path');
  if (path.isAbsolute(target)) throw refuse('is absolute');
  if ((await resolveInRoot(root, parent, target)) === undefined) throw refuse('points outside the extraction folder (or loops)');
}

/** A malformed entry; becomes ZIP_INVALID once the zip's name is known. */
class EntryError extends Error {}

function invalid(zipPath: string, why: string, cause?: unknown): BootspecError {
  return new BootspecError(ErrorCodes.ZIP_INVALID, `${zipPath} is not a valid zip file: ${why}`, {
    hint: 'check that the build finished writing it, then re-create it with zip -r (or your build tool)',
    cause,
  });
}

/** Our errors pass through; file-system errors are the machine's, not the zip's; the rest is a bad zip. */
function translate(err: unknown, zipPath: string, entry: string): unknown {
  if (err instanceof BootspecError) return err;
  if (err instanceof RootEscapeError) {
    return new BootspecError(ErrorCodes.ZIP_UNSAFE_ENTRY, `${zipPath}: entry ${JSON.stringify(entry)} would be written through a symlink: ${err.message}`, {
      hint: 'a layer must not place files under a symlink that leads out of /opt',
      cause: err,
    });
  }
  if (err instanceof EntryError) return invalid(zipPath, err.message, err);
  if ((err as NodeJS.ErrnoException).syscall !== undefined) return err;
  const at = entry === '' ? '' : ` (at entry ${JSON.stringify(entry)})`;
  return invalid(zipPath, `${(err as Error).message ?? String(err)}${at}`, err);
}
