/**
 * The functions of a control plane: configurations in memory, code zips in the work folder, and an
 * EnvironmentPool per function, started on its first invoke from the function's real files (code at
 * /var/task, its layers merged into /opt in order) and dropped by any update, as Lambda replaces
 * a function's environments after a change.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { assembleFiles } from '../environment/assemble.ts';
import { defaultFunctionConfig } from '../environment/env.ts';
import type { RuntimeManifest } from '../environment/types.ts';
import { EnvironmentPool } from '../invoke/pool.ts';
import { writeFileAtomic } from '../layers/atomic.ts';
import { notFound } from '../layers/lambda-errors.ts';
import { lambdaDate } from '../layers/store.ts';
import type { Caller } from '../layers/types.ts';
import { unzippedSize } from '../layers/zip-info.ts';
import type { FunctionCode, LambdaFunction } from './function-types.ts';
import type { ControlPlaneOptions } from './types.ts';

const NAME_OR_ARN = /^(?:arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9_.-]+)(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/;

export class FunctionRegistry {
  readonly #functions = new Map<string, LambdaFunction>();
  readonly #o: ControlPlaneOptions;

  constructor(o: ControlPlaneOptions) {
    this.#o = o;
  }

  /** The function a FunctionName parameter names (a name, a partial or a full ARN). */
  find(caller: Caller, nameOrArn: string): LambdaFunction {
    const m = NAME_OR_ARN.exec(nameOrArn);
    const region = m?.[1] ?? caller.region;
    const account = m?.[2] ?? caller.account;
    const name = m?.[3] ?? nameOrArn;
    const arn = functionArn(region, account, name);
    const f = this.#functions.get(arn);
    if (!m || !f || (m[4] !== undefined && m[4] !== '$LATEST') || account !== caller.account) {
      throw notFound(`Function not found: ${m?.[4] === undefined ? arn : `${arn}:${m[4]}`}`, 'ListFunctions lists the functions of this account; only $LATEST exists here');
    }
    return f;
  }

  has(caller: Caller, name: string): boolean {
    return this.#functions.has(functionArn(caller.region, caller.account, name));
  }

  add(f: LambdaFunction): void {
    this.#functions.set(f.arn, f);
  }

  list(caller: Caller): LambdaFunction[] {
    return [...this.#functions.values()].filter((f) => f.account === caller.account && f.region === caller.region).sort((a, b) => a.name.localeCompare(b.name));
  }

  async remove(f: LambdaFunction): Promise<void> {
    this.#functions.delete(f.arn);
    await this.#drop(f);
  }

  /** Stores a code zip; its unzipped size is what the 250 MB limit counts. */
  async storeCode(zip: Buffer): Promise<FunctionCode> {
    const size = await unzippedSize(zip);
    const sha256 = createHash('sha256').update(zip).digest('hex');
    const file = path.join(this.#o.workDir, 'code', `${sha256}.zip`);
    await writeFileAtomic(file, zip);
    return { sha256, size: zip.length, unzippedSize: size, path: file };
  }

  /** Marks a change: new revision, and the old environments go. */
  async changed(f: LambdaFunction): Promise<void> {
    f.lastModified = lambdaDate();
    f.revisionId = randomUUID();
    await this.#drop(f);
  }

  pool(f: LambdaFunction): Promise<EnvironmentPool> {
    f.pool ??= this.#start(f);
    return f.pool;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#functions.values()].map((f) => this.#drop(f)));
  }

  async #drop(f: LambdaFunction): Promise<void> {
    const pool = f.pool;
    f.pool = undefined;
    await pool?.then((p) => p.close()).catch(() => undefined);
  }

  async #start(f: LambdaFunction): Promise<EnvironmentPool> {
    await mkdir(path.join(this.#o.workDir, 'environments'), { recursive: true });
    const workDir = await mkdtemp(path.join(this.#o.workDir, 'environments', `${f.name}-`));
    const manifest: RuntimeManifest = {
      name: f.name,
      description: f.description,
      probe: 1,
      dir: workDir,
      build: undefined,
      function: f.code.path,
      layers: f.layers.map((l) => l.blobPath),
      handler: f.handler,
      env: f.environment,
      features: [],
      expectations: undefined,
      bare: false,
      conformance: false,
    };
    try {
      const files = await assembleFiles(manifest, workDir);
      const config = defaultFunctionConfig(manifest, { functionName: f.name, memoryMb: f.memorySize, timeoutS: f.timeout, region: f.region });
      const onLog = this.#o.onLog;
      return new EnvironmentPool(
        {
          files,
          driver: this.#o.driver,
          config,
          manifestEnv: f.environment,
          workDir,
          recordExchanges: false,
          ...(onLog ? { onLog: (line) => onLog(f.name, line) } : {}),
        },
        this.#o.concurrency ?? 1,
      );
    } catch (err) {
      f.pool = undefined;
      await rm(workDir, { recursive: true, force: true });
      throw err;
    }
  }
}

export function functionArn(region: string, account: string, name: string): string {
  return `arn:aws:lambda:${region}:${account}:function:${name}`;
}
