/**
 * Writes that survive two processes sharing the store: whole files by temp + rename (a reader sees
 * the old or the new file, never half of one), and a lock file per layer for read-modify-write.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { BootspecError, ErrorCodes } from '../errors.ts';

export async function writeFileAtomic(file: string, data: Buffer | string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fh = await open(temp, 'wx');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

const LOCK_TIMEOUT_MS = 10_000;

/**
 * Runs `fn` holding `<file>.lock` (created exclusively, holding our pid). A lock whose process is
 * gone is taken over; a live one is waited for, up to 10 s. There is no event to wait on across
 * processes, so this polls, backing off from 2 ms to 50 ms.
 */
export async function withFileLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${file}.lock`;
  await mkdir(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (let wait = 2; ; wait = Math.min(wait * 2, 50)) {
    try {
      await writeFile(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await holderIsGone(lock)) {
        await rm(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new BootspecError(ErrorCodes.STORE_LOCK_TIMEOUT, `the layer store lock ${lock} was held for more than ${LOCK_TIMEOUT_MS / 1000} s`, {
          hint: `another bootspec is writing this layer; if none runs, remove ${lock}`,
        });
      }
      await delay(wait);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true });
  }
}

async function holderIsGone(lock: string): Promise<boolean> {
  let pid: number;
  try {
    pid = Number(await readFile(lock, 'utf8'));
  } catch {
    return false; // removed meanwhile, or not written yet: try again
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
