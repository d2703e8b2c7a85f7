/**
 * File operations confined to one root folder: the primitives zip extraction and layer merging share.
 * Every write goes to a path whose real (symlink-resolved) parent was checked to lie inside the
 * root, and an existing entry is removed before it is replaced, so a read-only file is replaced
 * rather than refused and a symlink is replaced rather than written through.
 */
import { constants, type Stats } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, readdir, readlink, realpath, rm, stat, symlink, unlink } from 'node:fs/promises';
import path from 'node:path';
import { BootspecError, ErrorCodes } from '../errors.ts';
import type { UnzippedBudget } from './limits.ts';

/** Linux gives up after 40 links (MAXSYMLINKS); so do we. */
const MAX_LINK_HOPS = 40;

/** A write or a link would leave the root. Callers turn it into their own BootspecError. */
export class RootEscapeError extends Error {
  override name = 'RootEscapeError';
}

export function isInside(root: string, p: string): boolean {
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  return p === root || p.startsWith(prefix);
}

/** Creates the root if needed and returns its real path, which every later check compares against. */
export async function openRoot(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  return realpath(dir);
}

export async function lstatOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await lstat(p);
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

export function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Removes whatever is at `p` without following it: a file, a symlink, or a whole folder. */
export async function clearPath(p: string): Promise<void> {
  const st = await lstatOrUndefined(p);
  if (st === undefined) return;
  if (st.isDirectory()) await rm(p, { recursive: true, force: true });
  else await unlink(p);
}

/**
 * Makes `segments` exist as folders under `root` and returns the real path of the last one.
 * A file in the way is replaced (a later layer wins); a symlink to a folder inside the root is
 * followed, as unzip into /opt would; a symlink leading outside the root is refused.
 */
export async function ensureDirs(root: string, segments: readonly string[]): Promise<string> {
  let cur = root;
  for (const seg of segments) {
    const next = path.join(cur, seg);
    const st = await lstatOrUndefined(next);
    if (st?.isDirectory()) {
      // An earlier layer may have shipped a read-only folder; we must still write into it.
      if ((st.mode & 0o700) !== 0o700) await chmod(next, (st.mode & 0o777) | 0o700);
      cur = next;
      continue;
    }
    if (st?.isSymbolicLink()) {
      const real = await realDirOrUndefined(next);
      if (real !== undefined) {
        if (!isInside(root, real)) {
          throw new RootEscapeError(`${path.relative(root, next)} is a symlink to ${real}, outside the extraction root`);
        }
        cur = real;
        continue;
      }
    }
    if (st !== undefined) await clearPath(next);
    await mkdir(next, { mode: 0o755 });
    cur = next;
  }
  return cur;
}

async function realDirOrUndefined(p: string): Promise<string | undefined> {
  try {
    const real = await realpath(p);
    return (await stat(real)).isDirectory() ? real : undefined;
  } catch (err) {
    if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'ELOOP') return undefined;
    throw err;
  }
}

/**
 * Where a symlink at `fromDir` with this `target` would lead, resolved the way the kernel does
 * against what is on disk now (following existing links; missing parts taken literally), or
 * undefined when it leaves the root or loops. Checking the on-disk state, not just the text,
 * catches `a -> .` followed by `b -> a/../x`.
 */
export async function resolveInRoot(
  root: string,
  fromDir: string,
  target: string,
  hops: { n: number } = { n: 0 },
): Promise<string | undefined> {
  let cur = path.isAbsolute(target) ? path.sep : fromDir;
  let missing = false;
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (cur === root) return undefined;
      cur = path.dirname(cur);
      continue;
    }
    const next = path.join(cur, part);
    const st = missing ? undefined : await lstatOrUndefined(next);
    if (st === undefined) {
      missing = true;
      cur = next;
    } else if (st.isSymbolicLink()) {
      hops.n += 1;
      if (hops.n > MAX_LINK_HOPS) return undefined;
      const via = await resolveInRoot(root, cur, await readlink(next), hops);
      if (via === undefined) return undefined;
      cur = via;
    } else {
      cur = next;
    }
  }
  return isInside(root, cur) ? cur : undefined;
}

/**
 * Copies the folder `src` into `root`, merging with what is there (later wins), keeping
 * permission bits (without set-id bits) and symlinks as they are. Returns the bytes copied.
 */
export async function copyTree(src: string, root: string, budget: UnzippedBudget): Promise<number> {
  let bytes = 0;
  const walk = async (rel: string[]): Promise<void> => {
    for (const name of (await readdir(path.join(src, ...rel))).sort()) {
      const segs = [...rel, name];
      const from = path.join(src, ...segs);
      const st = await lstat(from);
      if (st.isDirectory()) {
        const dir = await ensureDirs(root, segs);
        await chmod(dir, (st.mode & 0o777) | 0o700);
        await walk(segs);
        continue;
      }
      const to = path.join(await ensureDirs(root, rel), name);
      await clearPath(to);
      if (st.isSymbolicLink()) {
        await symlink(await readlink(from), to);
      } else if (st.isFile()) {
        budget.take(st.size, from);
        bytes += st.size;
        await copyFile(from, to, constants.COPYFILE_EXCL);
        await chmod(to, st.mode & 0o777);
      } else {
        throw new BootspecError(ErrorCodes.RUNTIME_FOLDER_INVALID, `${from} is not a file, folder or symlink`, {
          hint: 'a layer folder may hold only files, folders and symlinks (no sockets, pipes or devices)',
        });
      }
    }
  };
  await walk([]);
  return bytes;
}

/** Bytes of the regular files under `dir` (symlinks are not followed). */
export async function treeSize(dir: string): Promise<number> {
  let total = 0;
  for (const d of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) total += await treeSize(p);
    else if (d.isFile()) total += (await lstat(p)).size;
  }
  return total;
}
