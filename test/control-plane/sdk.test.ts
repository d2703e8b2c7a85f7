/**
 * The AWS SDK for JavaScript v3 (@aws-sdk/client-lambda, unmodified) against `bootspec serve`:
 * a runtime shared as a layer across accounts, revoked, deleted while in use, and functions built
 * on it by ARN, as dg/chapter-layers.html and dg/permissions-layer-cross-account.html describe.
 */
import {
  AddLayerVersionPermissionCommand,
  CreateFunctionCommand,
  DeleteLayerVersionCommand,
  GetFunctionCommand,
  GetLayerVersionByArnCommand,
  GetLayerVersionCommand,
  GetLayerVersionPolicyCommand,
  InvokeCommand,
  LambdaClient,
  ListFunctionsCommand,
  ListLayersCommand,
  ListLayerVersionsCommand,
  PublishLayerVersionCommand,
  RemoveLayerVersionPermissionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, BOB, CAROL, probeFunctionZip, runtimeLayerZip, type ServedControlPlane, serveControlPlane } from './helpers.ts';

let served: ServedControlPlane;
const clients = new Map<string, LambdaClient>();

function as(who: { accessKeyId: string }): LambdaClient {
  let c = clients.get(who.accessKeyId);
  if (!c) {
    c = new LambdaClient({ endpoint: served.endpoint, region: 'us-east-1', credentials: { accessKeyId: who.accessKeyId, secretAccessKey: 'not-checked' }, maxAttempts: 1 });
    clients.set(who.accessKeyId, c);
  }
  return c;
}

/** The error an SDK call failed with: its name (x-amzn-ErrorType), status and message. */
async function failure(p: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e as { name: string; message: string; $metadata?: { httpStatusCode?: number } },
  );
  if (!err) throw new Error('the call succeeded; an error was expected');
  return { name: err.name, status: err.$metadata?.httpStatusCode, message: err.message };
}

async function invokeText(who: { accessKeyId: string }, name: string, event: unknown): Promise<{ text: string; functionError: string | undefined }> {
  const out = await as(who).send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(event)) }));
  return { text: Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8'), functionError: out.FunctionError };
}

const ROLE = (account: string) => `arn:aws:iam::${account}:role/lambda-role`;
let layerZip: Buffer;
let probeZip: Buffer;

beforeAll(async () => {
  served = await serveControlPlane();
  layerZip = await runtimeLayerZip(served.dir);
  probeZip = await probeFunctionZip(served.dir);
});

afterAll(async () => {
  for (const c of clients.values()) c.destroy();
  await served?.stop();
});

describe('the Lambda control plane with @aws-sdk/client-lambda', () => {
  const layerArn = `arn:aws:lambda:us-east-1:${ALICE.account}:layer:node-plain`;
  const v1 = `${layerArn}:1`;

  it('publishes a runtime layer as version 1 with Lambda\'s ARNs and content digest', async () => {
    const out = await as(ALICE).send(
      new PublishLayerVersionCommand({ LayerName: 'node-plain', Content: { ZipFile: layerZip }, CompatibleRuntimes: ['provided.al2023'], CompatibleArchitectures: ['x86_64'], Description: 'node-plain runtime' }),
    );
    expect(out.$metadata.httpStatusCode).toBe(201);
    expect(out.LayerArn).toBe(layerArn);
    expect(out.LayerVersionArn).toBe(v1);
    expect(out.Version).toBe(1);
    expect(out.Content?.CodeSize).toBe(layerZip.length);
    const { createHash } = await import('node:crypto');
    expect(out.Content?.CodeSha256).toBe(createHash('sha256').update(layerZip).digest('base64'));
    const location = out.Content?.Location as string;
    const download = await fetch(location);
    expect(Buffer.from(await download.arrayBuffer()).equals(layerZip)).toBe(true);
  });

  it('refuses another account until the version is shared with it', async () => {
    const denied = await failure(as(BOB).send(new GetLayerVersionByArnCommand({ Arn: v1 })));
    expect(denied).toMatchObject({ name: 'AccessDeniedException', status: 403 });
    expect(denied.message).toContain('lambda:GetLayerVersion');
    const refused = await failure(as(BOB).send(new CreateFunctionCommand({ FunctionName: 'early', Runtime: 'provided.al2023', Handler: 'probe.handler', Role: ROLE(BOB.account), Code: { ZipFile: probeZip }, Layers: [v1] })));
    expect(refused).toMatchObject({ name: 'AccessDeniedException', status: 403 });
  });

  it('shares a version with one account (AddLayerVersionPermission, GetLayerVersionPolicy)', async () => {
    const added = await as(ALICE).send(new AddLayerVersionPermissionCommand({ LayerName: 'node-plain', VersionNumber: 1, StatementId: 'bob', Action: 'lambda:GetLayerVersion', Principal: BOB.account }));
    expect(JSON.parse(added.Statement as string)).toMatchObject({ Sid: 'bob', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${BOB.account}:root` }, Resource: v1 });
    const dup = await failure(as(ALICE).send(new AddLayerVersionPermissionCommand({ LayerName: 'node-plain', VersionNumber: 1, StatementId: 'bob', Action: 'lambda:GetLayerVersion', Principal: BOB.account })));
    expect(dup).toMatchObject({ name: 'ResourceConflictException', status: 409 });
    const stale = await failure(as(ALICE).send(new AddLayerVersionPermissionCommand({ LayerName: 'node-plain', VersionNumber: 1, StatementId: 'other', Action: 'lambda:GetLayerVersion', Principal: CAROL.account, RevisionId: 'not-the-revision' })));
    expect(stale).toMatchObject({ name: 'PreconditionFailedException', status: 412 });
    const policy = await as(ALICE).send(new GetLayerVersionPolicyCommand({ LayerName: 'node-plain', VersionNumber: 1 }));
    expect(policy.RevisionId).toBe(added.RevisionId);
    expect(JSON.parse(policy.Policy as string).Statement).toHaveLength(1);
    const seen = await as(BOB).send(new GetLayerVersionByArnCommand({ Arn: v1 }));
    expect(seen.Version).toBe(1);
    expect(await failure(as(CAROL).send(new GetLayerVersionByArnCommand({ Arn: v1 })))).toMatchObject({ name: 'AccessDeniedException' });
  });

  it('runs a function of the other account whose runtime comes from the layer ARN', async () => {
    const created = await as(BOB).send(
      new CreateFunctionCommand({ FunctionName: 'on-layer', Runtime: 'provided.al2023', Handler: 'probe.handler', Role: ROLE(BOB.account), Code: { ZipFile: probeZip }, Layers: [v1] }),
    );
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created.FunctionArn).toBe(`arn:aws:lambda:us-east-1:${BOB.account}:function:on-layer`);
    expect(created.Layers).toEqual([{ Arn: v1, CodeSize: layerZip.length }]);
    expect(await invokeText(BOB, 'on-layer', { probe: 'echo', value: 'from /opt/bootstrap' })).toEqual({ text: '"from /opt/bootstrap"', functionError: undefined });
  });

  it('passes the SDK\'s TenantId (X-Amz-Tenant-Id) to the handler\'s context, and none without it', async () => {
    const context = async (tenant: string | undefined) => {
      const out = await as(BOB).send(new InvokeCommand({ FunctionName: 'on-layer', Payload: Buffer.from('{"probe":"context"}'), ...(tenant ? { TenantId: tenant } : {}) }));
      return JSON.parse(Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8')) as { tenantId: string | null };
    };
    expect((await context('bootspec-sdk-tenant')).tenantId).toBe('bootspec-sdk-tenant');
    expect((await context(undefined)).tenantId).toBeNull();
  });

  it('refuses new use after the grant is revoked; the function that has it keeps running', async () => {
    await as(ALICE).send(new RemoveLayerVersionPermissionCommand({ LayerName: 'node-plain', VersionNumber: 1, StatementId: 'bob' }));
    const again = await failure(as(ALICE).send(new RemoveLayerVersionPermissionCommand({ LayerName: 'node-plain', VersionNumber: 1, StatementId: 'bob' })));
    expect(again).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
    const refused = await failure(as(BOB).send(new CreateFunctionCommand({ FunctionName: 'late', Runtime: 'provided.al2023', Handler: 'probe.handler', Role: ROLE(BOB.account), Code: { ZipFile: probeZip }, Layers: [v1] })));
    expect(refused).toMatchObject({ name: 'AccessDeniedException', status: 403 });
    expect((await invokeText(BOB, 'on-layer', { probe: 'echo', value: 1 })).text).toBe('1');
  });

  it('deletes a version in use: the function still invokes, new use is refused, the number is not reused', async () => {
    await as(ALICE).send(new CreateFunctionCommand({ FunctionName: 'mine', Runtime: 'provided.al2', Handler: 'probe.handler', Role: ROLE(ALICE.account), Code: { ZipFile: probeZip }, Layers: [v1] }));
    await as(ALICE).send(new DeleteLayerVersionCommand({ LayerName: 'node-plain', VersionNumber: 1 }));
    expect(await failure(as(ALICE).send(new GetLayerVersionCommand({ LayerName: 'node-plain', VersionNumber: 1 })))).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
    expect((await invokeText(ALICE, 'mine', { probe: 'echo', value: 'deleted but in use' })).text).toBe('"deleted but in use"');
    // A configuration change that keeps the layer keeps it working too.
    await as(ALICE).send(new UpdateFunctionConfigurationCommand({ FunctionName: 'mine', Timeout: 5, Layers: [v1] }));
    expect((await invokeText(ALICE, 'mine', { probe: 'echo', value: 2 })).text).toBe('2');
    const fresh = await failure(as(ALICE).send(new CreateFunctionCommand({ FunctionName: 'fresh', Runtime: 'provided.al2023', Handler: 'probe.handler', Role: ROLE(ALICE.account), Code: { ZipFile: probeZip }, Layers: [v1] })));
    expect(fresh).toMatchObject({ name: 'InvalidParameterValueException', status: 400 });
    const v2 = await as(ALICE).send(new PublishLayerVersionCommand({ LayerName: 'node-plain', Content: { ZipFile: layerZip } }));
    expect(v2.Version).toBe(2);
  });

  it('updates a function\'s configuration and code, and invokes the new ones', async () => {
    const next = await probeFunctionZip(served.dir, [{ name: 'other.js', data: "exports.handler = async () => ({ version: 2, greeting: process.env.GREETING });\n" }]);
    const code = await as(BOB).send(new UpdateFunctionCodeCommand({ FunctionName: 'on-layer', ZipFile: next }));
    expect(code.CodeSize).toBe(next.length);
    const config = await as(BOB).send(new UpdateFunctionConfigurationCommand({ FunctionName: 'on-layer', Handler: 'other.handler', Environment: { Variables: { GREETING: 'hello' } } }));
    expect(config.Handler).toBe('other.handler');
    expect(JSON.parse((await invokeText(BOB, 'on-layer', {})).text)).toEqual({ version: 2, greeting: 'hello' });
    const got = await as(BOB).send(new GetFunctionCommand({ FunctionName: 'on-layer' }));
    expect(got.Configuration?.Environment?.Variables).toEqual({ GREETING: 'hello' });
    expect((await as(BOB).send(new ListFunctionsCommand({}))).Functions?.map((f) => f.FunctionName)).toEqual(['on-layer']);
  });

  it('refuses Lambda\'s limits before anything starts, and names missing functions', async () => {
    const six = Array.from({ length: 6 }, (_, i) => `${layerArn}:${i + 2}`);
    const tooMany = await failure(as(ALICE).send(new CreateFunctionCommand({ FunctionName: 'six', Runtime: 'provided.al2023', Handler: 'probe.handler', Role: ROLE(ALICE.account), Code: { ZipFile: probeZip }, Layers: six })));
    expect(tooMany).toMatchObject({ name: 'InvalidParameterValueException', status: 400 });
    const reserved = await failure(as(ALICE).send(new UpdateFunctionConfigurationCommand({ FunctionName: 'mine', Environment: { Variables: { AWS_REGION: 'x' } } })));
    expect(reserved).toMatchObject({ name: 'InvalidParameterValueException' });
    const missing = await failure(as(ALICE).send(new InvokeCommand({ FunctionName: 'no-such-function' })));
    expect(missing).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
    expect(missing.message).toContain(`function:no-such-function`);
  });

  it('lists layers and versions with the runtime/architecture filters and paging', async () => {
    await as(ALICE).send(new PublishLayerVersionCommand({ LayerName: 'node-plain', Content: { ZipFile: layerZip }, CompatibleRuntimes: ['provided.al2023'], CompatibleArchitectures: ['arm64'] }));
    const all = await as(ALICE).send(new ListLayerVersionsCommand({ LayerName: 'node-plain' }));
    expect(all.LayerVersions?.map((v) => v.Version)).toEqual([3, 2]);
    const arm = await as(ALICE).send(new ListLayerVersionsCommand({ LayerName: 'node-plain', CompatibleArchitecture: 'arm64' }));
    expect(arm.LayerVersions?.map((v) => v.Version)).toEqual([3]);
    const x86 = await as(ALICE).send(new ListLayersCommand({ CompatibleArchitecture: 'x86_64' }));
    expect(x86.Layers).toEqual([]);
    const page1 = await as(ALICE).send(new ListLayerVersionsCommand({ LayerName: 'node-plain', MaxItems: 1 }));
    expect(page1.LayerVersions?.map((v) => v.Version)).toEqual([3]);
    const page2 = await as(ALICE).send(new ListLayerVersionsCommand({ LayerName: 'node-plain', MaxItems: 1, Marker: page1.NextMarker }));
    expect(page2.LayerVersions?.map((v) => v.Version)).toEqual([2]);
    expect(page2.NextMarker).toBeUndefined();
    const layers = await as(ALICE).send(new ListLayersCommand({}));
    expect(layers.Layers?.map((l) => [l.LayerName, l.LatestMatchingVersion?.Version])).toEqual([['node-plain', 3]]);
  });
});
