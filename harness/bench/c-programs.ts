/** The C floor programs beside this file (c/), compiled with the machine's cc on first use and cached by content. */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BootspecError, ErrorCodes } from '../errors.ts';

export type CProgram = 'pingpong' | 'cmock' | 'affinity';

export const C_SOURCE_DIR = fileURLToPath(new URL('./c/', import.meta.url));

function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(base, 'bootspec', 'bench');
}

/** Path of the compiled program; compiles it if its sources (or the compiler) changed. */
export function cProgram(name: CProgram): string {
  const h = createHash('sha256');
  for (const f of readdirSync(C_SOURCE_DIR).filter((f) => f === `${name}.c` || f.endsWith('.h')).sort()) {
    h.update(f).update(readFileSync(join(C_SOURCE_DIR, f)));
  }
  const cc = spawnSync('cc', ['--version'], { encoding: 'utf8' });
  if (cc.error || cc.status !== 0) {
    throw new BootspecError(ErrorCodes.BUILD_FAILED, 'no C compiler: the benchmark floor needs cc to build harness/bench/c/*.c', {
      hint: 'install one (apt-get install -y build-essential), or leave the floor out with --phases latency,throughput,…',
    });
  }
  h.update(cc.stdout);
  const dir = join(cacheDir(), h.digest('hex').slice(0, 16));
  const out = join(dir, name);
  if (existsSync(out)) return out;
  mkdirSync(dir, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  const r = spawnSync('cc', ['-O2', '-Wall', '-Wextra', '-o', tmp, join(C_SOURCE_DIR, `${name}.c`)], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new BootspecError(ErrorCodes.BUILD_FAILED, `cc failed on harness/bench/c/${name}.c:\n${r.stderr}`, {
      hint: `run it by hand: cc -O2 -o /tmp/${name} ${join(C_SOURCE_DIR, `${name}.c`)}`,
    });
  }
  renameSync(tmp, out);
  return out;
}
