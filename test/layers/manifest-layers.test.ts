/** runtime.json `layers` entries given as layer version ARNs, resolved through the layer store. */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadRuntime } from '../../harness/environment/manifest.ts';
import { ErrorCodes } from '../../harness/errors.ts';
import { LayerStore } from '../../harness/layers/store.ts';
import { makeZip } from '../environment/helpers.ts';

let dir: string;
const saved = process.env.BOOTSPEC_LAYER_STORE;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bootspec-manifest-layers-'));
  process.env.BOOTSPEC_LAYER_STORE = path.join(dir, 'store');
  await mkdir(path.join(dir, 'rt', 'fn'), { recursive: true });
});
afterEach(async () => {
  if (saved === undefined) delete process.env.BOOTSPEC_LAYER_STORE;
  else process.env.BOOTSPEC_LAYER_STORE = saved;
  await rm(dir, { recursive: true, force: true });
});

async function manifestWith(layers: string[]): Promise<string> {
  const rt = path.join(dir, 'rt');
  await writeFile(path.join(rt, 'runtime.json'), JSON.stringify({ name: 'rt', probe: 1, function: 'fn', layers, handler: 'h' }));
  return rt;
}

it('resolves a layer version ARN to the stored zip, and a path as before', async () => {
  const store = new LayerStore();
  const zip = await readFile(await makeZip(path.join(dir, 'l.zip'), [{ name: 'bootstrap', data: '#!/bin/sh\n', mode: 0o755 }]));
  const v = await store.publish({ account: '111111111111', region: 'us-east-1' }, { layerName: 'rt', zip });
  const m = await loadRuntime(await manifestWith([v.layerVersionArn, 'extra.zip']));
  expect(m.layers).toEqual([v.blobPath, path.join(dir, 'rt', 'extra.zip')]);
});

it('refuses a deleted version with the field named', async () => {
  const store = new LayerStore();
  const zip = await readFile(await makeZip(path.join(dir, 'l.zip'), [{ name: 'bootstrap', data: '#!/bin/sh\n', mode: 0o755 }]));
  const v = await store.publish({ account: '111111111111', region: 'us-east-1' }, { layerName: 'rt', zip });
  await store.delete({ account: '111111111111', region: 'us-east-1' }, { partition: 'aws', account: '111111111111', region: 'us-east-1', name: 'rt' }, 1);
  const err = await loadRuntime(await manifestWith([v.layerVersionArn])).catch((e: { code: string; message: string }) => e);
  expect(err).toMatchObject({ code: ErrorCodes.MANIFEST_INVALID });
  expect((err as { message: string }).message).toContain('"layers[0]"');
});
