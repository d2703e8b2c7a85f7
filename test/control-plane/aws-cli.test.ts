/**
 * The AWS CLI (awscli from PyPI, unmodified, installed by scripts/setup-aws-clients.sh) against
 * `bootspec serve` with --endpoint-url: publish a runtime layer, share it, use it from the other
 * account, revoke, delete a version in use, and run a function built on it by ARN.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../e2e/cli.ts';
import { ALICE, BOB, probeFunctionZip, runtimeLayerZip, type ServedControlPlane, serveControlPlane } from './helpers.ts';

const AWS = path.join(ROOT, '.bootspec', 'awscli', 'bin', 'aws');
const run = promisify(execFile);
/** Each `aws` call starts a Python interpreter (1-3 s on a busy 2-core machine); a test makes about 15. */
const CLI_TEST_TIMEOUT_MS = 240_000;

let served: ServedControlPlane;
let layerFile: string;
let probeFile: string;

interface AwsResult {
  code: number;
  json: Record<string, unknown> | undefined;
  stderr: string;
}

/** One `aws lambda …` call as `who`, with dummy credentials and nothing but loopback to talk to. */
async function aws(who: { accessKeyId: string }, args: string[]): Promise<AwsResult> {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: served.dir,
    AWS_ACCESS_KEY_ID: who.accessKeyId,
    AWS_SECRET_ACCESS_KEY: 'not-checked',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: path.join(served.dir, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(served.dir, 'no-credentials'),
    AWS_MAX_ATTEMPTS: '1',
  };
  try {
    const r = await run(AWS, ['--endpoint-url', served.endpoint, '--output', 'json', 'lambda', ...args], { env, cwd: served.dir });
    return { code: 0, json: r.stdout.trim() === '' ? undefined : (JSON.parse(r.stdout) as Record<string, unknown>), stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, json: undefined, stderr: e.stderr ?? String(err) };
  }
}

async function invoke(who: { accessKeyId: string }, name: string, event: unknown): Promise<string> {
  const out = path.join(served.dir, `out-${name}.json`);
  const r = await aws(who, ['invoke', '--function-name', name, '--payload', JSON.stringify(event), out]);
  expect(r.stderr).toBe('');
  expect(r.json).toMatchObject({ StatusCode: 200, ExecutedVersion: '$LATEST' });
  return readFile(out, 'utf8');
}

const create = (who: { account: string }, name: string, layers: string[]) => [
  'create-function', '--function-name', name, '--runtime', 'provided.al2023', '--handler', 'probe.handler',
  '--role', `arn:aws:iam::${who.account}:role/lambda-role`, '--zip-file', `fileb://${probeFile}`, '--layers', ...layers,
];

beforeAll(async () => {
  if (!existsSync(AWS)) throw new Error(`the AWS CLI is not installed at ${AWS}; run: bash scripts/setup-aws-clients.sh`);
  served = await serveControlPlane();
  layerFile = path.join(served.dir, 'layer.zip');
  probeFile = path.join(served.dir, 'function.zip');
  await writeFile(layerFile, await runtimeLayerZip(served.dir));
  await writeFile(probeFile, await probeFunctionZip(served.dir));
});

afterAll(async () => {
  await served?.stop();
});

describe('the Lambda control plane with the AWS CLI', () => {
  const v1 = `arn:aws:lambda:us-east-1:${ALICE.account}:layer:node-plain:1`;

  it('publishes, shares, uses from a second account, revokes and deletes a runtime layer', async () => {
    const published = await aws(ALICE, ['publish-layer-version', '--layer-name', 'node-plain', '--zip-file', `fileb://${layerFile}`, '--compatible-runtimes', 'provided.al2023', '--compatible-architectures', 'x86_64']);
    expect(published.stderr).toBe('');
    expect(published.json).toMatchObject({ LayerVersionArn: v1, Version: 1 });

    const denied = await aws(BOB, create(BOB, 'on-layer', [v1]));
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain('An error occurred (AccessDeniedException) when calling the CreateFunction operation');

    const shared = await aws(ALICE, ['add-layer-version-permission', '--layer-name', 'node-plain', '--version-number', '1', '--statement-id', 'bob', '--action', 'lambda:GetLayerVersion', '--principal', BOB.account]);
    expect(shared.json?.RevisionId).toEqual(expect.any(String));
    const policy = await aws(ALICE, ['get-layer-version-policy', '--layer-name', 'node-plain', '--version-number', '1']);
    expect(JSON.parse(policy.json?.Policy as string).Statement[0]).toMatchObject({ Sid: 'bob', Principal: { AWS: `arn:aws:iam::${BOB.account}:root` } });

    const created = await aws(BOB, create(BOB, 'on-layer', [v1]));
    expect(created.stderr).toBe('');
    expect(created.json).toMatchObject({ FunctionName: 'on-layer', Runtime: 'provided.al2023', Layers: [{ Arn: v1 }], State: 'Active' });
    expect(await invoke(BOB, 'on-layer', { probe: 'echo', value: 'shared runtime' })).toBe('"shared runtime"');

    expect((await aws(ALICE, ['remove-layer-version-permission', '--layer-name', 'node-plain', '--version-number', '1', '--statement-id', 'bob'])).code).toBe(0);
    const revoked = await aws(BOB, ['get-layer-version-by-arn', '--arn', v1]);
    expect(revoked.stderr).toContain('(AccessDeniedException)');

    expect((await aws(ALICE, ['delete-layer-version', '--layer-name', 'node-plain', '--version-number', '1'])).code).toBe(0);
    const gone = await aws(ALICE, ['get-layer-version', '--layer-name', 'node-plain', '--version-number', '1']);
    expect(gone.stderr).toContain('(ResourceNotFoundException)');
    // Deleted and unshared: the function that already uses it keeps running.
    expect(await invoke(BOB, 'on-layer', { probe: 'echo', value: 'still here' })).toBe('"still here"');
    const reused = await aws(ALICE, create(ALICE, 'new-one', [v1]));
    expect(reused.stderr).toContain('(InvalidParameterValueException)');
    const v2 = await aws(ALICE, ['publish-layer-version', '--layer-name', 'node-plain', '--zip-file', `fileb://${layerFile}`]);
    expect(v2.json?.Version).toBe(2);
  }, CLI_TEST_TIMEOUT_MS);

  it('creates a function on a layer ARN, updates its configuration and code, and invokes it', async () => {
    const v2 = `arn:aws:lambda:us-east-1:${ALICE.account}:layer:node-plain:2`;
    expect((await aws(ALICE, create(ALICE, 'fn', [v2]))).json).toMatchObject({ Layers: [{ Arn: v2 }] });
    expect(await invoke(ALICE, 'fn', { probe: 'echo', value: 1 })).toBe('1');
    // --tenant-id reaches the handler's context as X-Amz-Tenant-Id, through /next's tenant header
    const tenantOut = path.join(served.dir, 'out-tenant.json');
    expect((await aws(ALICE, ['invoke', '--function-name', 'fn', '--tenant-id', 'bootspec-cli-tenant', '--payload', '{"probe":"context"}', tenantOut])).code).toBe(0);
    expect((JSON.parse(await readFile(tenantOut, 'utf8')) as { tenantId: string | null }).tenantId).toBe('bootspec-cli-tenant');
    const config = await aws(ALICE, ['update-function-configuration', '--function-name', 'fn', '--timeout', '7', '--environment', 'Variables={GREETING=hello}']);
    expect(config.json).toMatchObject({ Timeout: 7, Environment: { Variables: { GREETING: 'hello' } } });
    const next = path.join(served.dir, 'next.zip');
    await writeFile(next, await probeFunctionZip(served.dir, [{ name: 'other.js', data: 'exports.handler = async () => "v2 " + process.env.GREETING;\n' }]));
    expect((await aws(ALICE, ['update-function-code', '--function-name', 'fn', '--zip-file', `fileb://${next}`])).code).toBe(0);
    expect((await aws(ALICE, ['update-function-configuration', '--function-name', 'fn', '--handler', 'other.handler'])).json).toMatchObject({ Handler: 'other.handler' });
    expect(await invoke(ALICE, 'fn', {})).toBe('"v2 hello"');
    const listed = await aws(ALICE, ['list-functions']);
    expect(((listed.json?.Functions ?? []) as Array<{ FunctionName: string }>).map((f) => f.FunctionName)).toEqual(['fn']);
    expect((await aws(ALICE, ['delete-function', '--function-name', 'fn'])).code).toBe(0);
    expect((await aws(ALICE, ['get-function', '--function-name', 'fn'])).stderr).toContain('(ResourceNotFoundException)');
  }, CLI_TEST_TIMEOUT_MS);
});
