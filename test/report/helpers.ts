/** Shared by the report tests: the fixture set, the CLI, temp folders. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const BIN = join(ROOT, 'bin/bootspec.js');
/** Screenshots and reports the browser tests leave behind for a person (reports/ is git-ignored). */
export const ARTIFACTS = join(ROOT, 'reports/test-artifacts');

/** Three nights of four runtimes: results (the newest a real capture) and bench documents. */
export function fixtureFiles(): string[] {
  return readdirSync(FIXTURES)
    .filter((f) => /^(results|bench)-.*\.json$/.test(f))
    .sort()
    .map((f) => join(FIXTURES, f));
}

export const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

const exec = promisify(execFile);

/** Runs the bootspec CLI; resolves with its exit code and output whatever the code. */
export async function bootspec(args: string[], timeoutMs = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { cwd: ROOT, timeout: timeoutMs, maxBuffer: 64 * 2 ** 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
