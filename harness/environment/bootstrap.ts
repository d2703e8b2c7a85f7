/**
 * bootstrap discovery as Lambda does it (docs/requirements.md#startup): the first of /var/task/bootstrap and
 * /opt/bootstrap that exists and is not a folder wins, and it must then be executable. Lambda does
 * not fall back to /opt when /var/task/bootstrap exists but cannot run: the exec simply fails.
 */
import type { Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { BootspecError, ErrorCodes } from '../errors.ts';
import { isMissing } from './confined-fs.ts';
import type { AssembledFiles } from './types.ts';

export type BootstrapLocation = Pick<AssembledFiles, 'bootstrap' | 'bootstrapHostPath' | 'bootstrapMode'>;

/** Lambda's own words when no candidate exists (RAPID prints the Go slice). */
export const BOOTSTRAP_NOT_FOUND_MESSAGE = "Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]";

export async function findBootstrap(taskRoot: string, optDir: string): Promise<Required<BootstrapLocation>> {
  const candidates = [
    { bootstrap: '/var/task/bootstrap', bootstrapHostPath: path.join(taskRoot, 'bootstrap') },
    { bootstrap: '/opt/bootstrap', bootstrapHostPath: path.join(optDir, 'bootstrap') },
  ] as const;
  for (const c of candidates) {
    const st = await statOrUndefined(c.bootstrapHostPath);
    if (st === undefined || st.isDirectory()) continue;
    assertExecutable(c.bootstrapHostPath, st, c.bootstrap);
    return { ...c, bootstrapMode: st.mode & 0o7777 };
  }
  throw new BootspecError(ErrorCodes.BOOTSTRAP_NOT_FOUND, BOOTSTRAP_NOT_FOUND_MESSAGE, {
    hint: await notFoundHint(taskRoot, optDir),
  });
}

/** Throws BOOTSTRAP_NOT_EXECUTABLE unless `st` is a regular file with an execute bit. */
export function assertExecutable(hostPath: string, st: Stats, shownAs: string = hostPath): void {
  if (st.isFile() && (st.mode & 0o111) !== 0) return;
  const what = st.isFile() ? `mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}` : 'not a regular file';
  throw new BootspecError(ErrorCodes.BOOTSTRAP_NOT_EXECUTABLE, `${shownAs} is not executable (${what}): ${hostPath}`, {
    hint: st.isFile()
      ? `chmod +x ${hostPath} (Lambda runs it as another user, so use 755); a zip keeps the mode it had when zipped`
      : 'bootstrap must be an executable file (or a symlink to one)',
  });
}

async function statOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await stat(p);
  } catch (err) {
    // A dangling or looping symlink counts as missing, as os.Stat does for RAPID.
    if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'ELOOP') return undefined;
    throw err;
  }
}

/** The usual mistake is zipping the folder instead of its contents: say so when we can see it. */
async function notFoundHint(taskRoot: string, optDir: string): Promise<string> {
  const base =
    `put an executable file named bootstrap at the top level of the function (${taskRoot}) ` +
    `or of a layer (merged into ${optDir})`;
  for (const root of [taskRoot, optDir]) {
    const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
    for (const d of entries) {
      if (!d.isDirectory()) continue;
      const nested = path.join(root, d.name, 'bootstrap');
      if ((await statOrUndefined(nested))?.isFile()) {
        return `${base}; found ${nested} one folder down: zip the folder's contents, not the folder itself`;
      }
    }
  }
  return base;
}
