/** The layer store's semantics without any HTTP: versions, deletes, permissions, two writers. */
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../harness/errors.ts';
import { LayerStore } from '../../harness/layers/store.ts';
import { makeZip } from '../environment/helpers.ts';
import { readFile } from 'node:fs/promises';

const OWNER = { account: '111111111111', region: 'us-east-1' };
const OTHER = { account: '222222222222', region: 'us-east-1' };
const IN_ORG = { account: '333333333333', region: 'us-east-1', organizationId: 'o-abcdefghij' };
const ref = { partition: 'aws', ...OWNER, name: 'lib' };

let dir: string;
let zip: Buffer;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'bootspec-store-'));
  zip = await readFile(await makeZip(path.join(dir, 'l.zip'), [{ name: 'bin/tool', data: '#!/bin/sh\n', mode: 0o755 }]));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: { code?: string }) => e.code,
  );

describe('LayerStore', () => {
  it('never reuses a deleted version number, keeps its content and still counts it', async () => {
    const store = new LayerStore(path.join(dir, 'store'));
    const v1 = await store.publish(OWNER, { layerName: 'lib', zip });
    await store.delete(OWNER, ref, 1);
    await store.delete(OWNER, ref, 1); // idempotent, as Lambda's
    expect(await codeOf(store.get(OWNER, ref, 1))).toBe(ErrorCodes.LAMBDA_RESOURCE_NOT_FOUND);
    expect(await codeOf(store.resolveForUse(OWNER, v1.layerVersionArn))).toBe(ErrorCodes.LAMBDA_INVALID_PARAMETER);
    await access(v1.blobPath);
    expect(await store.storageBytes(OWNER)).toBe(zip.length);
    expect((await store.publish(OWNER, { layerName: 'lib', zip })).record.version).toBe(2);
    expect(await store.storageBytes(OWNER)).toBe(2 * zip.length);
  });

  it('refuses a zip that is not one, with Lambda\'s error', async () => {
    const store = new LayerStore(path.join(dir, 'store'));
    expect(await codeOf(store.publish(OWNER, { layerName: 'lib', zip: Buffer.from('not a zip') }))).toBe(ErrorCodes.LAMBDA_INVALID_PARAMETER);
  });

  it('grants by account, by * and by * within an organization', async () => {
    const store = new LayerStore(path.join(dir, 'store'));
    const v = await store.publish(OWNER, { layerName: 'lib', zip });
    expect(await codeOf(store.get(OTHER, ref, 1))).toBe(ErrorCodes.LAMBDA_ACCESS_DENIED);
    await store.addPermission(OWNER, ref, 1, { statementId: 'org', action: 'lambda:GetLayerVersion', principal: '*', organizationId: 'o-abcdefghij' });
    expect(await codeOf(store.get(OTHER, ref, 1))).toBe(ErrorCodes.LAMBDA_ACCESS_DENIED);
    expect((await store.get(IN_ORG, ref, 1)).layerVersionArn).toBe(v.layerVersionArn);
    expect(await codeOf(store.addPermission(OWNER, ref, 1, { statementId: 'x', action: 'lambda:GetLayerVersion', principal: OTHER.account, organizationId: 'o-abcdefghij' }))).toBe(ErrorCodes.LAMBDA_INVALID_PARAMETER);
    await store.addPermission(OWNER, ref, 1, { statementId: 'other', action: 'lambda:GetLayerVersion', principal: `arn:aws:iam::${OTHER.account}:root` });
    expect((await store.get(OTHER, ref, 1)).record.version).toBe(1);
    expect(await codeOf(store.addPermission(OTHER, ref, 1, { statementId: 'self', action: 'lambda:GetLayerVersion', principal: '*' }))).toBe(ErrorCodes.LAMBDA_ACCESS_DENIED);
    await store.removePermission(OWNER, ref, 1, 'other', undefined);
    expect(await codeOf(store.get(OTHER, ref, 1))).toBe(ErrorCodes.LAMBDA_ACCESS_DENIED);
  });

  it('gives every concurrent publish its own version (two stores on one folder)', async () => {
    const a = new LayerStore(path.join(dir, 'store'));
    const b = new LayerStore(path.join(dir, 'store'));
    const versions = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).publish(OWNER, { layerName: 'lib', zip }).then((v) => v.record.version)));
    expect([...versions].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect((await a.listVersions(OWNER, ref, {})).items.map((v) => v.record.version)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
  });
});
