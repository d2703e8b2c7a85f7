import { chmod, mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assembleFiles } from '../../harness/environment/assemble.ts';
import { ErrorCodes } from '../../harness/errors.ts';
import type { RuntimeManifest } from '../../harness/environment/types.ts';
import { handlerModule, LayerFixtures } from '../../harness/suite/layer-fixtures.ts';
import { cleanup, tempDir } from '../environment/helpers.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map(cleanup));
});

/** A runtime folder like node-plain's: bootstrap, runtime.js and the handler's probe.js in the task root. */
async function runtimeFolder(): Promise<{ manifest: RuntimeManifest; workDir: string }> {
  const root = await tempDir('bootspec-layers-');
  dirs.push(root);
  const dir = path.join(root, 'runtime');
  await mkdir(dir);
  await writeFile(path.join(dir, 'bootstrap'), '#!/bin/sh\nexec node "$(dirname "$0")/runtime.js"\n');
  await chmod(path.join(dir, 'bootstrap'), 0o755);
  await writeFile(path.join(dir, 'runtime.js'), '// the runtime\n');
  await writeFile(path.join(dir, 'probe.js'), '// the handler\n');
  const manifest: RuntimeManifest = {
    name: 'fixture',
    description: '',
    probe: 1,
    dir,
    build: undefined,
    function: dir,
    layers: [],
    handler: 'probe.handler',
    env: {},
    features: [],
    expectations: undefined,
    bare: false,
    conformance: true,
  };
  const workDir = path.join(root, 'work');
  await mkdir(workDir);
  return { manifest, workDir };
}

describe('handlerModule', () => {
  it('is the handler up to its last dot, or the whole handler without one', () => {
    expect(handlerModule('probe.handler')).toBe('probe');
    expect(handlerModule('src/app.main.handler')).toBe('src/app.main');
    expect(handlerModule('bootstrap')).toBe('bootstrap');
  });
});

describe('LayerFixtures', () => {
  it('moves the runtime into a layer: bootstrap only in /opt, the handler module alone in the function', async () => {
    const { manifest, workDir } = await runtimeFolder();
    const files = await assembleFiles(manifest, workDir);
    const fx = await LayerFixtures.create({ manifest, files, workDir });
    const layout = await fx.runtimeAsLayer();
    expect(layout.kind).toBe('moved');
    const moved = layout.kind === 'moved' ? layout : undefined;
    expect(moved?.functionEntries).toEqual(['probe.js']);
    expect(moved?.files.bootstrap).toBe('/opt/bootstrap');
    expect(await readdir(moved?.files.taskRoot ?? '')).toEqual(['probe.js']);
    expect((await readdir(moved?.files.optDir ?? '')).sort()).toEqual(['bootstrap', 'runtime.js']);
    expect((await stat(path.join(moved?.files.optDir ?? '', 'bootstrap'))).mode & 0o111).not.toBe(0);
  });

  it('leaves a runtime whose bootstrap already comes from a layer as it is', async () => {
    const { manifest, workDir } = await runtimeFolder();
    const layer = path.join(workDir, '..', 'runtime-layer');
    await mkdir(layer);
    const fnDir = path.join(workDir, '..', 'fn');
    await mkdir(fnDir);
    await writeFile(path.join(fnDir, 'probe.js'), '');
    await rename(path.join(manifest.dir, 'bootstrap'), path.join(layer, 'bootstrap'));
    const m = { ...manifest, function: fnDir, layers: [layer] };
    const files = await assembleFiles(m, workDir);
    const fx = await LayerFixtures.create({ manifest: m, files, workDir });
    expect(await fx.runtimeAsLayer()).toEqual({ kind: 'own' });
  });

  it('does not move a function bootstrap that wraps its layer\'s /opt/bootstrap', async () => {
    const { manifest, workDir } = await runtimeFolder();
    const layer = path.join(workDir, '..', 'runtime-layer');
    await mkdir(layer);
    await writeFile(path.join(layer, 'bootstrap'), '#!/bin/sh\n');
    await chmod(path.join(layer, 'bootstrap'), 0o755);
    const m = { ...manifest, layers: [layer] };
    const files = await assembleFiles(m, workDir);
    const fx = await LayerFixtures.create({ manifest: m, files, workDir });
    expect(await fx.runtimeAsLayer()).toEqual({ kind: 'wrapper' });
  });

  it('merges extra layers after the runtime, the later copy of a file winning', async () => {
    const { manifest, workDir } = await runtimeFolder();
    const files = await assembleFiles(manifest, workDir);
    const fx = await LayerFixtures.create({ manifest, files, workDir });
    const first = await fx.layer({ 'x/value.txt': 'first' });
    const second = await fx.layer({ 'x/value.txt': 'second' });
    const merged = await fx.withLayersAfter([first, second]);
    expect(await readFile(path.join(merged.optDir, 'x/value.txt'), 'utf8')).toBe('second');
  });

  it('counts a sparse file at its full size against the 250 MB budget', async () => {
    const { manifest, workDir } = await runtimeFolder();
    const files = await assembleFiles(manifest, workDir);
    const fx = await LayerFixtures.create({ manifest, files, workDir });
    const big = await fx.layer({ 'big.bin': { sparseBytes: 262_144_000 } });
    await expect(fx.withLayersAfter([big])).rejects.toMatchObject({ code: ErrorCodes.UNZIPPED_SIZE_EXCEEDED });
  });
});
