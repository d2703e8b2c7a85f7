/**
 * The layer store: zips content-addressed by sha256 under `blobs/`, one metadata document per layer
 * name under `layers/<region>/<account>/`, with Lambda's semantics (dg/chapter-layers.html,
 * dg/adding-layers.html): versions are immutable and their numbers never reused; a deleted version
 * is refused for new use but its content stays, for the functions that already use it, and keeps
 * counting against storage; another account sees a version only through the version's policy.
 */
import { createHash } from 'node:crypto';
import { access, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type LayerRef, layerArn, layerVersionArn, parseLayerVersionArn } from './arn.ts';
import { writeFileAtomic, withFileLock } from './atomic.ts';
import { accessDenied, invalidParameter, notFound } from './lambda-errors.ts';
import { addStatement, grants, newStatement, policyJson, removeStatement, statementJson } from './policy.ts';
import type { AddPermissionInput, Caller, LayerDocument, LayerVersionRecord, ListFilter, Page, PublishInput, ResolvedLayerVersion } from './types.ts';
import { checkPublishInput, matches, pageOf } from './validate.ts';
import { unzippedSize } from './zip-info.ts';

/** `${XDG_CACHE_HOME:-~/.cache}/bootspec/layers`, or BOOTSPEC_LAYER_STORE when set. */
export function defaultStoreDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BOOTSPEC_LAYER_STORE) return path.resolve(env.BOOTSPEC_LAYER_STORE);
  const cache = env.XDG_CACHE_HOME ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(cache, 'bootspec', 'layers');
}

/** Lambda's date format: 2018-11-27T15:10:45.123+0000. */
export function lambdaDate(d: Date = new Date()): string {
  return d.toISOString().replace('Z', '+0000');
}

export class LayerStore {
  readonly root: string;

  constructor(root: string = defaultStoreDir()) {
    this.root = path.resolve(root);
  }

  blobPath(sha256: string): string {
    return path.join(this.root, 'blobs', `${sha256}.zip`);
  }

  async publish(caller: Caller, input: PublishInput): Promise<ResolvedLayerVersion> {
    checkPublishInput(input);
    const size = await unzippedSize(input.zip);
    const sha256 = createHash('sha256').update(input.zip).digest('hex');
    const blob = this.blobPath(sha256);
    if (!(await exists(blob))) await writeFileAtomic(blob, input.zip);
    const ref: LayerRef = { partition: 'aws', region: caller.region, account: caller.account, name: input.layerName };
    return this.#update(ref, (doc) => {
      const record: LayerVersionRecord = {
        version: doc.latestVersion + 1,
        createdDate: lambdaDate(),
        description: input.description ?? '',
        compatibleRuntimes: input.compatibleRuntimes ?? [],
        compatibleArchitectures: input.compatibleArchitectures ?? [],
        licenseInfo: input.licenseInfo,
        sha256,
        codeSize: input.zip.length,
        unzippedSize: size,
        deletedDate: undefined,
        policy: undefined,
      };
      doc.latestVersion = record.version;
      doc.versions.push(record);
      return this.#resolved(doc, record);
    });
  }

  /** GetLayerVersion: the owner, or an account a statement grants; deleted versions are gone. */
  async get(caller: Caller, ref: LayerRef, version: number): Promise<ResolvedLayerVersion> {
    const doc = await this.#read(ref);
    const record = doc?.versions.find((v) => v.version === version);
    const arn = layerVersionArn({ ...ref, version });
    if (caller.account !== ref.account && !(record && grants(record, caller))) throw denied(caller, arn);
    if (!doc || !record || record.deletedDate !== undefined) throw notFound('The resource you requested does not exist.', `check the name and version: ListLayerVersions lists the versions of ${ref.name}`);
    return this.#resolved(doc, record);
  }

  async getByArn(caller: Caller, arn: string): Promise<ResolvedLayerVersion> {
    const ref = parseLayerVersionArn(arn);
    if (!ref) throw invalidParameter(`1 validation error detected: Value '${arn}' at 'arn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+`);
    return this.get(caller, ref, ref.version);
  }

  /**
   * A version for a new function configuration: as GetLayerVersion, but a missing or deleted version
   * is InvalidParameterValueException, the error CreateFunction gives.
   */
  async resolveForUse(caller: Caller, arn: string): Promise<ResolvedLayerVersion> {
    const ref = parseLayerVersionArn(arn);
    if (!ref) throw invalidParameter(`Layer version ${arn} is not a valid layer version ARN.`, 'use arn:aws:lambda:<region>:<account>:layer:<name>:<version>');
    if (ref.region !== caller.region) throw invalidParameter(`Layers are not supported in region ${ref.region} for a function in ${caller.region}.`, 'a function can only use layers of its own region');
    try {
      return await this.get(caller, ref, ref.version);
    } catch (err) {
      if ((err as { code?: string }).code === notFound('').code) {
        throw invalidParameter(`Layer version ${arn} does not exist.`, 'publish the layer, or use a version ListLayerVersions shows');
      }
      throw err;
    }
  }

  /** ListLayers: the caller's layers, each with its newest version that matches the filter. */
  async list(caller: Caller, filter: ListFilter): Promise<Page<{ layerName: string; layerArn: string; latest: ResolvedLayerVersion }>> {
    const dir = path.join(this.root, 'layers', caller.region, caller.account);
    const names = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
    const rows = [];
    for (const name of names) {
      const ref: LayerRef = { partition: 'aws', region: caller.region, account: caller.account, name };
      const doc = await this.#read(ref);
      const latest = doc?.versions.filter((v) => v.deletedDate === undefined && matches(v, filter)).at(-1);
      if (doc && latest) rows.push({ layerName: name, layerArn: layerArn(ref), latest: this.#resolved(doc, latest) });
    }
    return pageOf(rows, (r) => r.layerName, filter);
  }

  /** ListLayerVersions: newest first, deleted versions left out. */
  async listVersions(caller: Caller, ref: LayerRef, filter: ListFilter): Promise<Page<ResolvedLayerVersion>> {
    if (caller.account !== ref.account) throw denied(caller, layerArn(ref), 'lambda:ListLayerVersions');
    const doc = await this.#read(ref);
    const records = (doc?.versions ?? []).filter((v) => v.deletedDate === undefined && matches(v, filter)).reverse();
    return pageOf(
      records.map((r) => this.#resolved(doc as LayerDocument, r)),
      (r) => String(r.record.version).padStart(16, '0'),
      filter,
    );
  }

  /** DeleteLayerVersion: idempotent, as Lambda's; the content stays for functions that use it. */
  async delete(caller: Caller, ref: LayerRef, version: number): Promise<void> {
    if (caller.account !== ref.account) throw denied(caller, layerVersionArn({ ...ref, version }), 'lambda:DeleteLayerVersion');
    if (!(await this.#read(ref))) return;
    await this.#update(ref, (doc) => {
      const record = doc.versions.find((v) => v.version === version);
      if (record && record.deletedDate === undefined) record.deletedDate = lambdaDate();
    });
  }

  async addPermission(caller: Caller, ref: LayerRef, version: number, input: AddPermissionInput): Promise<{ statement: string; revisionId: string }> {
    const arn = layerVersionArn({ ...ref, version });
    if (caller.account !== ref.account) throw denied(caller, arn, 'lambda:AddLayerVersionPermission');
    const statement = newStatement(input);
    return this.#update(ref, (doc) => {
      const record = liveVersion(doc, version);
      const revisionId = addStatement(record, statement, input.revisionId);
      return { statement: JSON.stringify(statementJson(statement, arn)), revisionId };
    });
  }

  async removePermission(caller: Caller, ref: LayerRef, version: number, statementId: string, revisionId: string | undefined): Promise<void> {
    if (caller.account !== ref.account) throw denied(caller, layerVersionArn({ ...ref, version }), 'lambda:RemoveLayerVersionPermission');
    await this.#update(ref, (doc) => removeStatement(liveVersion(doc, version), statementId, revisionId));
  }

  async getPolicy(caller: Caller, ref: LayerRef, version: number): Promise<{ policy: string; revisionId: string }> {
    const arn = layerVersionArn({ ...ref, version });
    if (caller.account !== ref.account) throw denied(caller, arn, 'lambda:GetLayerVersionPolicy');
    const doc = await this.#read(ref);
    const record = doc ? liveVersion(doc, version) : undefined;
    if (!record?.policy) throw notFound('No policy is associated with the given resource.', 'AddLayerVersionPermission creates the policy');
    return { policy: policyJson(record, arn), revisionId: record.policy.revisionId };
  }

  /** Bytes of every version's zip in one account and region, deleted ones included (the storage quota counts them). */
  async storageBytes(caller: Caller): Promise<number> {
    const dir = path.join(this.root, 'layers', caller.region, caller.account);
    let total = 0;
    for (const f of await readdir(dir).catch(() => [] as string[])) {
      if (!f.endsWith('.json')) continue;
      const doc = await this.#read({ partition: 'aws', region: caller.region, account: caller.account, name: f.slice(0, -5) });
      for (const v of doc?.versions ?? []) total += v.codeSize;
    }
    return total;
  }

  #file(ref: LayerRef): string {
    return path.join(this.root, 'layers', ref.region, ref.account, `${ref.name}.json`);
  }

  async #read(ref: LayerRef): Promise<LayerDocument | undefined> {
    try {
      return JSON.parse(await readFile(this.#file(ref), 'utf8')) as LayerDocument;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** Read-modify-write of one layer's document under its lock. */
  async #update<T>(ref: LayerRef, change: (doc: LayerDocument) => T): Promise<T> {
    const file = this.#file(ref);
    return withFileLock(file, async () => {
      const doc = (await this.#read(ref)) ?? { name: ref.name, account: ref.account, region: ref.region, latestVersion: 0, versions: [] };
      const result = change(doc);
      await writeFileAtomic(file, `${JSON.stringify(doc, null, 2)}\n`);
      return result;
    });
  }

  #resolved(doc: LayerDocument, record: LayerVersionRecord): ResolvedLayerVersion {
    const ref = { partition: 'aws', region: doc.region, account: doc.account, name: doc.name };
    return { layer: doc, record, layerArn: layerArn(ref), layerVersionArn: layerVersionArn({ ...ref, version: record.version }), blobPath: this.blobPath(record.sha256) };
  }
}

function liveVersion(doc: LayerDocument, version: number): LayerVersionRecord {
  const record = doc.versions.find((v) => v.version === version && v.deletedDate === undefined);
  if (!record) throw notFound('The resource you requested does not exist.', `ListLayerVersions lists the versions of ${doc.name}`);
  return record;
}

function denied(caller: Caller, resource: string, action = 'lambda:GetLayerVersion') {
  return accessDenied(
    `User: arn:aws:iam::${caller.account}:root is not authorized to perform: ${action} on resource: ${resource} because no resource-based policy allows the ${action} action`,
    `the layer's owner must grant account ${caller.account} (or *) with AddLayerVersionPermission`,
  );
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}
