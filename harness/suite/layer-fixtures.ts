/**
 * Layouts of a runtime's files that the layers scenarios need: the runtime's own function and layers
 * with extra layers after them, or the runtime moved into a layer the way an author shares it
 * (docs/requirements.md#layers). Layers are written as folders, which assembleFiles merges into /opt
 * exactly as it does zips, so no zip library is needed at run time.
 */
import { cp, lstat, mkdir, mkdtemp, open, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assembleFiles } from '../environment/assemble.ts';
import type { AssembledFiles, RuntimeManifest } from '../environment/types.ts';

/** Files of one layer: path inside the layer (so inside /opt) → text, or `{ sparseBytes }` for a hole of that size. */
export type LayerContent = Record<string, string | { sparseBytes: number }>;

/** What `runtimeAsLayer` made of the runtime. */
export type RuntimeAsLayer = { kind: 'own' } | { kind: 'wrapper' } | { kind: 'moved'; files: AssembledFiles; functionEntries: string[] };

export class LayerFixtures {
  readonly #manifest: RuntimeManifest;
  readonly #files: AssembledFiles;
  readonly #dir: string;
  #layers = 0;

  private constructor(manifest: RuntimeManifest, files: AssembledFiles, dir: string) {
    this.#manifest = manifest;
    this.#files = files;
    this.#dir = dir;
  }

  /** Fixtures under the run's work folder, which the run removes when it ends. */
  static async create(target: { manifest: RuntimeManifest; files: AssembledFiles; workDir: string }): Promise<LayerFixtures> {
    return new LayerFixtures(target.manifest, target.files, await mkdtemp(path.join(target.workDir, 'layers-')));
  }

  /** Writes a layer as a folder; returns its path, for `withLayersAfter`. */
  async layer(content: LayerContent): Promise<string> {
    const dir = path.join(this.#dir, `layer-${++this.#layers}`);
    for (const [rel, body] of Object.entries(content)) {
      const file = path.join(dir, rel);
      await mkdir(path.dirname(file), { recursive: true });
      if (typeof body === 'string') {
        await writeFile(file, body);
        continue;
      }
      // A sparse file: its size counts against the 250 MB budget without writing 250 MB to disk.
      const handle = await open(file, 'w');
      await handle.truncate(body.sparseBytes);
      await handle.close();
    }
    return dir;
  }

  /** The runtime's function and layers, then `extra` layers, merged in that order (later files win). */
  withLayersAfter(extra: string[]): Promise<AssembledFiles> {
    return this.#assemble({ ...this.#manifest, layers: [...this.#manifest.layers, ...extra] });
  }

  /**
   * The runtime shipped as a layer: every file of its task root except the handler's own module moves
   * into one more layer (after its own), so `bootstrap` exists only as /opt/bootstrap and the function
   * holds just the handler's module, as a user's function zip does. `own` when the runtime's bootstrap
   * already comes from a layer (its own layout is the case to judge); `wrapper` when its
   * /var/task/bootstrap wraps the /opt/bootstrap of one of its layers, which moving would overwrite.
   */
  async runtimeAsLayer(): Promise<RuntimeAsLayer> {
    if (this.#files.bootstrap === '/opt/bootstrap') return { kind: 'own' };
    if (await exists(path.join(this.#files.optDir, 'bootstrap'))) return { kind: 'wrapper' };
    const module = handlerModule(this.#manifest.handler);
    const fnDir = path.join(this.#dir, 'function');
    const layerDir = path.join(this.#dir, `layer-${++this.#layers}`);
    await mkdir(fnDir, { recursive: true });
    await mkdir(layerDir, { recursive: true });
    const functionEntries: string[] = [];
    for (const name of (await readdir(this.#files.taskRoot)).sort()) {
      const ofHandler = name !== 'bootstrap' && (name === module || name.startsWith(`${module}.`));
      if (ofHandler) functionEntries.push(name);
      await cp(path.join(this.#files.taskRoot, name), path.join(ofHandler ? fnDir : layerDir, name), { recursive: true, verbatimSymlinks: true });
    }
    const files = await this.#assemble({ ...this.#manifest, function: fnDir, layers: [...this.#manifest.layers, layerDir] });
    return { kind: 'moved', files, functionEntries };
  }

  async #assemble(m: RuntimeManifest): Promise<AssembledFiles> {
    return assembleFiles(m, await mkdtemp(path.join(this.#dir, 'work-')));
  }
}

/** `probe.handler` → `probe`; a handler without a dot (`bootstrap`) is its own module name. */
export function handlerModule(handler: string): string {
  const dot = handler.lastIndexOf('.');
  return dot > 0 ? handler.slice(0, dot) : handler;
}

async function exists(p: string): Promise<boolean> {
  return lstat(p).then(
    () => true,
    () => false,
  );
}
