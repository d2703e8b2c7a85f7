import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BootspecError, ErrorCodes } from '../errors.ts';
import type { RuntimeManifest } from './types.ts';

/** Folders a build writes or that belong to tools; they do not decide whether to rebuild. */
const IGNORED = new Set(['build', 'target', 'node_modules', '.bootspec', '.git', '__pycache__', 'scratch']);
/** Toolchains whose version is part of the build key when the build script names them. */
const TOOLS: Array<[RegExp, string, string[]]> = [
  [/\bgo\b/, 'go', ['version']],
  [/\bcargo\b/, 'cargo', ['--version']],
  [/\bmvn\b/, 'mvn', ['--version']],
  [/\bjavac?\b/, 'javac', ['-version']],
  [/\bpython3?\b|\bpip3?\b/, 'python3', ['--version']],
  [/\bnpm\b|\bnode\b/, 'node', ['--version']],
  [/\bcc\b|\bgcc\b|\bmake\b/, 'cc', ['--version']],
];

function hashTree(root: string, dir: string, h: ReturnType<typeof createHash>): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (IGNORED.has(entry.name) || entry.name === 'expectations.json') continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) hashTree(root, p, h);
    else if (entry.isFile()) {
      h.update(`${relative(root, p)}\0${statSync(p).mode & 0o111 ? 'x' : '-'}\0`);
      h.update(readFileSync(p));
    }
  }
}

/** The cache key of a runtime's build: its sources and the versions of the toolchains it uses. */
export function buildKey(m: RuntimeManifest): string {
  const h = createHash('sha256');
  hashTree(m.dir, m.dir, h);
  const script = [m.build ?? '', ...safeRead(join(m.dir, 'build.sh'))].join('\n');
  for (const [pattern, tool, args] of TOOLS) {
    if (!pattern.test(script)) continue;
    const r = spawnSync(tool, args, { encoding: 'utf8', timeout: 20_000 });
    h.update(`${tool}:${r.stdout ?? ''}${r.stderr ?? ''}`);
  }
  return h.digest('hex').slice(0, 32);
}

function safeRead(p: string): string[] {
  try {
    return [readFileSync(p, 'utf8')];
  } catch {
    return [];
  }
}

export interface BuildResult {
  built: boolean;
  key: string;
  durationMs: number;
}

/**
 * Runs the manifest's build command once per content: a second run with the same sources and
 * toolchains is skipped. A failed build is a harness error with the log's tail, never a verdict.
 */
export async function buildRuntime(m: RuntimeManifest, opts: { force?: boolean; onOutput?: (line: string) => void } = {}): Promise<BuildResult> {
  const t0 = Date.now();
  if (m.build === undefined) return { built: false, key: '', durationMs: 0 };
  const key = buildKey(m);
  const stampDir = join(m.dir, '.bootspec');
  const stamp = join(stampDir, 'build.key');
  if (!opts.force && safeRead(stamp)[0]?.trim() === key) return { built: false, key, durationMs: Date.now() - t0 };

  const log: string[] = [];
  const child = spawn('bash', ['-c', m.build], { cwd: m.dir, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      log.push(line);
      if (log.length > 400) log.shift();
      opts.onOutput?.(line);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const code = await new Promise<number | null>((resolve) => {
    child.on('error', () => resolve(127));
    child.on('close', (c) => resolve(c));
  });
  if (code !== 0) {
    throw new BootspecError(
      ErrorCodes.BUILD_FAILED,
      `the build of ${m.name} failed (exit ${code}): ${m.build}\n--- last lines of its output ---\n${log.slice(-30).join('\n')}`,
      { hint: `run it by hand to see everything: (cd ${m.dir} && ${m.build})` },
    );
  }
  mkdirSync(stampDir, { recursive: true });
  writeFileSync(stamp, `${buildKey(m)}\n`);
  return { built: true, key, durationMs: Date.now() - t0 };
}
