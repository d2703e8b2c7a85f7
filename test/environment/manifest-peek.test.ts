/** peekRuntime and readManifestFile: how folders are listed before any runtime is loaded. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { peekRuntime, readManifestFile } from '../../harness/environment/index.ts';
import { cleanup, tempDir, writeExecutable } from './helpers.ts';

let tmp: string;
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(async () => cleanup(tmp));

async function folder(name: string, manifest?: string): Promise<string> {
  const dir = path.join(tmp, name);
  await mkdir(dir, { recursive: true });
  if (manifest !== undefined) await writeFile(path.join(dir, 'runtime.json'), manifest);
  return dir;
}

describe('readManifestFile', () => {
  it('returns the text exactly as on disk, with its absolute path', async () => {
    const text = '{ "name": "x",\n  "function": "." }\n';
    const dir = await folder('rt', text);
    expect(readManifestFile(path.relative(process.cwd(), dir))).toEqual({ file: path.join(dir, 'runtime.json'), text });
  });

  it('returns undefined for a folder without runtime.json, and for a path that is not a folder', async () => {
    const dir = await folder('empty');
    await writeFile(path.join(tmp, 'plain-file'), 'x');
    expect(readManifestFile(dir)).toBeUndefined();
    expect(readManifestFile(path.join(tmp, 'plain-file'))).toBeUndefined();
    expect(readManifestFile(path.join(tmp, 'missing'))).toBeUndefined();
  });
});

describe('peekRuntime', () => {
  it('reads name, conformance and expectations without validating the rest', async () => {
    const dir = await folder('bench-only', JSON.stringify({ name: 'null-x', conformance: false, expectations: 'exp.json', unknownField: 1 }));
    expect(peekRuntime(dir)).toEqual({ kind: 'manifest', name: 'null-x', conformance: false, expectations: path.join(dir, 'exp.json') });
  });

  it('counts a runtime.json without "conformance" as a conformance runtime', async () => {
    const dir = await folder('plain', JSON.stringify({ name: 'plain', function: '.' }));
    expect(peekRuntime(dir)).toMatchObject({ kind: 'manifest', conformance: true, expectations: undefined });
  });

  it('peeks an unparseable runtime.json as a runtime named after its folder, so loading it reports the error', async () => {
    const dir = await folder('Broken_JSON', '{ "name": "x", }');
    expect(peekRuntime(dir)).toEqual({ kind: 'manifest', name: 'broken-json', conformance: true, expectations: undefined });
  });

  it('sees a bare bootstrap folder, and nothing in a folder with neither', async () => {
    const bare = await folder('My Runtime');
    await writeExecutable(path.join(bare, 'bootstrap'), '#!/bin/sh\n');
    expect(peekRuntime(bare)).toEqual({ kind: 'bare', name: 'my-runtime', conformance: true, expectations: undefined });
    expect(peekRuntime(await folder('nothing'))).toBeUndefined();
    expect(peekRuntime(path.join(tmp, 'missing'))).toBeUndefined();
  });
});
