import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../harness/errors.ts';
import { checkArtifacts, loadRuntime } from '../../harness/environment/index.ts';
import { cleanup, expectBootspecError, tempDir, writeExecutable } from './helpers.ts';

let tmp: string;
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(async () => cleanup(tmp));

async function runtimeDir(manifest: unknown, name = 'rt'): Promise<string> {
  const dir = path.join(tmp, name);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'runtime.json'), typeof manifest === 'string' ? manifest : JSON.stringify(manifest, null, 2));
  return dir;
}

const minimal = { name: 'go-test', function: 'build/function.zip' };

describe('loadRuntime: a valid runtime.json', () => {
  it('loads the docs/probe-contract.md#manifest example, resolving paths against the folder', async () => {
    const dir = await runtimeDir({
      $schema: '../schemas/runtime.v1.schema.json',
      name: 'go-aws-lambda-go',
      description: 'aws-lambda-go 1.55.1, provided.al2023 style',
      probe: 1,
      build: './build.sh',
      function: 'build/function',
      layers: ['build/runtime-layer.zip'],
      handler: 'probe.handler',
      env: { KEY: 'value' },
      features: ['handler-lookup'],
      expectations: 'expectations.json',
    });
    const m = await loadRuntime(dir);
    expect(m).toEqual({
      name: 'go-aws-lambda-go',
      description: 'aws-lambda-go 1.55.1, provided.al2023 style',
      probe: 1,
      dir,
      build: './build.sh',
      function: path.join(dir, 'build/function'),
      layers: [path.join(dir, 'build/runtime-layer.zip')],
      handler: 'probe.handler',
      env: { KEY: 'value' },
      features: ['handler-lookup'],
      expectations: path.join(dir, 'expectations.json'),
      bare: false,
      conformance: true,
    });
  });

  it('accepts the language features nodejs and python', async () => {
    const m = await loadRuntime(await runtimeDir({ ...minimal, features: ['nodejs', 'python'] }));
    expect(m.features).toEqual(['nodejs', 'python']);
  });

  it('fills defaults, and opts.handler overrides the manifest handler', async () => {
    const dir = await runtimeDir({ ...minimal, handler: 'from.manifest' });
    const m = await loadRuntime(dir, { handler: 'from.cli' });
    expect(m).toMatchObject({ description: '', probe: 1, build: undefined, layers: [], env: {}, features: [], expectations: undefined });
    expect(m.handler).toBe('from.cli');
    expect((await loadRuntime(dir)).handler).toBe('from.manifest');
  });

  it('does not require function or layers to exist yet; checkArtifacts does', async () => {
    const dir = await runtimeDir({ ...minimal, build: './build.sh', layers: ['l1', 'l2'] });
    const m = await loadRuntime(dir);
    let err = await expectBootspecError(checkArtifacts(m), ErrorCodes.RUNTIME_FOLDER_INVALID);
    expect(err.message).toContain('"function"');
    expect(err.hint).toContain('./build.sh');

    await writeExecutable(path.join(dir, 'build/function.zip'), 'zip');
    await mkdir(path.join(dir, 'l1'));
    err = await expectBootspecError(checkArtifacts(m), ErrorCodes.RUNTIME_FOLDER_INVALID);
    expect(err.message).toContain('"layers[1]"');
    await mkdir(path.join(dir, 'l2'));
    await checkArtifacts(m);
  });

  it('says to fix the path when there is no build', async () => {
    const m = await loadRuntime(await runtimeDir(minimal));
    const err = await expectBootspecError(checkArtifacts(m), ErrorCodes.RUNTIME_FOLDER_INVALID);
    expect(err.hint).toContain('"function"');
  });
});

describe('loadRuntime: each bad field is named', () => {
  it.each([
    ['missing name', { function: 'f' }, '"name"'],
    ['missing function', { name: 'x' }, '"function"'],
    ['name with capitals and spaces', { ...minimal, name: 'My Runtime' }, '"name" must match'],
    ['probe version 2', { ...minimal, probe: 2 }, '"probe"'],
    ['build not a string', { ...minimal, build: ['make'] }, '"build" must be a string'],
    ['empty function', { ...minimal, function: '' }, '"function" must not be empty'],
    ['layers not an array', { ...minimal, layers: 'a.zip' }, '"layers" must be an array'],
    ['a layer not a string', { ...minimal, layers: ['a.zip', 3] }, '"layers[1]" must be a string'],
    ['handler not a string', { ...minimal, handler: 42 }, '"handler" must be a string'],
    ['env value not a string', { ...minimal, env: { PORT: 8080 } }, '"env.PORT" must be a string'],
    ['env name not a name', { ...minimal, env: { 'MY-VAR': 'x' } }, '"MY-VAR"'],
    ['unknown feature', { ...minimal, features: ['streamin'] }, '"features[0]" must be one of'],
    ['expectations not a string', { ...minimal, expectations: {} }, '"expectations" must be a string'],
    ['description not a string', { ...minimal, description: null }, '"description" must be a string, got null'],
  ])('%s', async (_what, manifest, expected) => {
    const err = await expectBootspecError(loadRuntime(await runtimeDir(manifest)), ErrorCodes.MANIFEST_INVALID);
    expect(err.message).toContain(expected);
    expect(err.message).toContain('runtime.json');
  });

  it('suggests the closest field for a typo', async () => {
    const err = await expectBootspecError(
      loadRuntime(await runtimeDir({ ...minimal, handlr: 'x', layer: ['a.zip'] })),
      ErrorCodes.MANIFEST_INVALID,
    );
    expect(err.message).toContain('unknown field "handlr"; did you mean "handler"?');
    expect(err.message).toContain('unknown field "layer"; did you mean "layers"?');
  });

  it('lists the known fields when nothing is close', async () => {
    const err = await expectBootspecError(loadRuntime(await runtimeDir({ ...minimal, zzzzzzzz: 1 })), ErrorCodes.MANIFEST_INVALID);
    expect(err.message).toMatch(/unknown field "zzzzzzzz"; known fields: name, .*expectations/);
  });

  it('suggests the closest feature', async () => {
    const err = await expectBootspecError(loadRuntime(await runtimeDir({ ...minimal, features: ['streamin'] })), ErrorCodes.MANIFEST_INVALID);
    expect(err.message).toContain('did you mean "streaming"?');
  });

  it('reports every problem at once', async () => {
    const err = await expectBootspecError(loadRuntime(await runtimeDir({ name: 'BAD', handlr: 'x' })), ErrorCodes.MANIFEST_INVALID);
    expect(err.message).toContain('"function"');
    expect(err.message).toContain('"name"');
    expect(err.message).toContain('"handlr"');
  });

  it('gives line and column of a JSON syntax error', async () => {
    const dir = await runtimeDir('{\n  "name": "x",\n  "function": "f",\n}\n');
    const err = await expectBootspecError(loadRuntime(dir), ErrorCodes.MANIFEST_INVALID);
    expect(err.message).toContain(`${path.join(dir, 'runtime.json')}:4:1`);
  });

  it('gives the end position for a truncated document', async () => {
    const err = await expectBootspecError(loadRuntime(await runtimeDir('{\n  "name": "x",\n')), ErrorCodes.MANIFEST_INVALID);
    expect(err.message).toMatch(/runtime\.json:3:1: not valid JSON/);
  });

  it('refuses more than 5 layers with TOO_MANY_LAYERS', async () => {
    const layers = ['1', '2', '3', '4', '5', '6'].map((n) => `layer${n}.zip`);
    const err = await expectBootspecError(loadRuntime(await runtimeDir({ ...minimal, layers })), ErrorCodes.TOO_MANY_LAYERS);
    expect(err.message).toContain('"layers"');
    expect(err.message).toContain('6');
  });
});

describe('loadRuntime: env', () => {
  it.each(['AWS_REGION', 'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'AWS_ACCESS_KEY_ID', '_HANDLER', '_X_AMZN_TRACE_ID'])(
    'refuses the reserved name %s',
    async (name) => {
      const err = await expectBootspecError(loadRuntime(await runtimeDir({ ...minimal, env: { [name]: 'x' } })), ErrorCodes.RESERVED_ENV_VAR);
      expect(err.message).toContain(`"env.${name}"`);
    },
  );

  it('refuses names starting with "_", which Lambda drops', async () => {
    const err = await expectBootspecError(loadRuntime(await runtimeDir({ ...minimal, env: { _MY_FLAG: '1' } })), ErrorCodes.RESERVED_ENV_VAR);
    expect(err.message).toContain('"env._MY_FLAG"');
  });

  it('accepts unreserved names Lambda sets (TZ, LANG, PATH)', async () => {
    const m = await loadRuntime(await runtimeDir({ ...minimal, env: { TZ: 'Europe/Paris', LANG: 'C', PATH: '/x' } }));
    expect(m.env).toEqual({ TZ: 'Europe/Paris', LANG: 'C', PATH: '/x' });
  });

  it('refuses more than 4 KB of variables', async () => {
    const err = await expectBootspecError(loadRuntime(await runtimeDir({ ...minimal, env: { BIG: 'x'.repeat(4100) } })), ErrorCodes.MANIFEST_INVALID);
    expect(err.message).toContain('"env"');
  });
});

describe('loadRuntime: folders without runtime.json', () => {
  it('accepts a bare folder with an executable bootstrap', async () => {
    const dir = path.join(tmp, 'My Runtime_v1.2');
    await writeExecutable(path.join(dir, 'bootstrap'));
    const m = await loadRuntime(dir, { handler: 'index.main' });
    expect(m).toMatchObject({ name: 'my-runtime-v1.2', function: dir, layers: [], handler: 'index.main', bare: true, features: [], env: {} });
    expect((await loadRuntime(dir)).handler).toBe('handler');
  });

  it('says chmod +x for a bare folder whose bootstrap is not executable', async () => {
    const dir = path.join(tmp, 'bare');
    await writeExecutable(path.join(dir, 'bootstrap'), '#!/bin/sh\n', 0o644);
    const err = await expectBootspecError(loadRuntime(dir), ErrorCodes.BOOTSTRAP_NOT_EXECUTABLE);
    expect(err.hint).toContain('chmod +x');
  });

  it('refuses a folder with neither runtime.json nor bootstrap', async () => {
    const dir = path.join(tmp, 'empty');
    await mkdir(dir);
    const err = await expectBootspecError(loadRuntime(dir), ErrorCodes.MANIFEST_NOT_FOUND);
    expect(err.hint).toContain('runtime.json');
  });

  it('refuses a folder that does not exist', async () => {
    const err = await expectBootspecError(loadRuntime(path.join(tmp, 'nope')), ErrorCodes.RUNTIME_FOLDER_INVALID);
    expect(err.message).toContain('nope');
  });

  it('refuses a file given as the folder', async () => {
    const file = path.join(tmp, 'file');
    await writeFile(file, 'x');
    await expectBootspecError(loadRuntime(file), ErrorCodes.RUNTIME_FOLDER_INVALID);
  });
});
