import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assembleFiles } from './assemble.ts';
import { buildRuntime, type BuildResult } from './build.ts';
import { checkArtifacts, loadRuntime } from './manifest.ts';
import type { AssembledFiles, RuntimeManifest } from './types.ts';

/** A runtime folder made ready to start: manifest read, build run (or found cached), files laid out. */
export interface PreparedRuntime {
  manifest: RuntimeManifest;
  files: AssembledFiles;
  build: BuildResult;
  /** Scratch folder of this run: extracted zips, each environment's /tmp. */
  workDir: string;
  dispose(): void;
}

export async function prepareRuntime(
  dir: string,
  opts: { handler?: string; onBuildOutput?: (line: string) => void; forceBuild?: boolean } = {},
): Promise<PreparedRuntime> {
  const manifest = await loadRuntime(dir, opts.handler === undefined ? {} : { handler: opts.handler });
  const build = await buildRuntime(manifest, {
    ...(opts.onBuildOutput ? { onOutput: opts.onBuildOutput } : {}),
    ...(opts.forceBuild ? { force: true } : {}),
  });
  await checkArtifacts(manifest);
  const workDir = mkdtempSync(join(tmpdir(), `bootspec-${manifest.name}-`));
  try {
    const files = await assembleFiles(manifest, workDir);
    return { manifest, files, build, workDir, dispose: () => rmSync(workDir, { recursive: true, force: true }) };
  } catch (err) {
    rmSync(workDir, { recursive: true, force: true });
    throw err;
  }
}
