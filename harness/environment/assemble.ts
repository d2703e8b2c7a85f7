/**
 * Lays out a function's files as Lambda would (docs/requirements.md#layers): the function becomes the task root,
 * layers merge into one /opt in order (later files win), all within 250 MB unzipped, and the
 * bootstrap is found where Lambda looks for it.
 */
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { BootspecError, ErrorCodes } from '../errors.ts';
import { findBootstrap } from './bootstrap.ts';
import { copyTree, isInside, openRoot, RootEscapeError, treeSize } from './confined-fs.ts';
import { MAX_LAYERS, UnzippedBudget } from './limits.ts';
import { checkArtifacts } from './manifest.ts';
import type { AssembleOptions, AssembledFiles, RuntimeManifest } from './types.ts';
import { extractZip } from './zip.ts';

/**
 * Prepares `workDir/task` (for a zipped function) and `workDir/opt`; both are replaced if present.
 * A function folder is used in place, not copied.
 */
export async function assembleFiles(m: RuntimeManifest, workDir: string, opts: AssembleOptions = {}): Promise<AssembledFiles> {
  if (m.layers.length > MAX_LAYERS) {
    throw new BootspecError(ErrorCodes.TOO_MANY_LAYERS, `${m.name} has ${m.layers.length} layers; Lambda allows at most ${MAX_LAYERS}`, {
      hint: 'merge some layers into one zip, or move their files into the function',
    });
  }
  await checkArtifacts(m);
  const budget = new UnzippedBudget(opts.maxUnzippedBytes);
  const work = path.resolve(workDir);
  const taskDir = path.join(work, 'task');
  const optDir = path.join(work, 'opt');
  for (const own of [taskDir, optDir]) {
    // Never delete the user's own files: the function (or a layer) may have been pointed inside workDir.
    if ([m.function, ...m.layers].some((p) => isInside(own, p))) {
      throw new BootspecError(ErrorCodes.USAGE, `work folder ${own} would overwrite ${m.name}'s own files`, {
        hint: 'use a work folder outside the runtime folder, e.g. a fresh temporary one',
      });
    }
    await rm(own, { recursive: true, force: true });
  }

  let taskRoot: string;
  if ((await stat(m.function)).isDirectory()) {
    taskRoot = m.function;
    budget.take(await treeSize(taskRoot), m.function);
  } else {
    taskRoot = await openRoot(taskDir);
    await extractZip(m.function, taskRoot, { budget });
  }

  const opt = await openRoot(optDir);
  for (const [i, layer] of m.layers.entries()) await mergeLayer(layer, i, opt, budget);

  return { taskRoot, optDir: opt, ...(await findBootstrap(taskRoot, opt)), unzippedBytes: budget.used };
}

async function mergeLayer(layer: string, index: number, opt: string, budget: UnzippedBudget): Promise<void> {
  if (!(await stat(layer)).isDirectory()) {
    await extractZip(layer, opt, { budget });
    return;
  }
  try {
    await copyTree(layer, opt, budget);
  } catch (err) {
    if (!(err instanceof RootEscapeError)) throw err;
    throw new BootspecError(ErrorCodes.RUNTIME_FOLDER_INVALID, `layers[${index}] (${layer}) would write through a symlink: ${err.message}`, {
      hint: 'an earlier layer placed a symlink to outside /opt where this layer has a folder; make it a real folder or a relative link',
      cause: err,
    });
  }
}
