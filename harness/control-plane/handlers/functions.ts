/** The functions API (API_CreateFunction … API_ListFunctions), one function per operation. */
import { invalidParameter, conflict, preconditionFailed } from '../../layers/lambda-errors.ts';
import type { LayerStore } from '../../layers/store.ts';
import { lambdaDate } from '../../layers/store.ts';
import { pageOf } from '../../layers/validate.ts';
import { downloadUrl } from '../downloads.ts';
import { checkEnvironment, checkMemory, checkRole, checkRuntime, checkTimeout, checkUnzippedTotal, resolveLayers } from '../function-config.ts';
import type { LambdaFunction } from '../function-types.ts';
import { functionConfiguration } from '../function-view.ts';
import { type FunctionRegistry, functionArn } from '../functions.ts';
import type { ApiRequest, ApiResponse } from '../types.ts';
import { optBlob, optInt, optObject, optString, optStringList, param, queryInt, queryString, reqString } from './input.ts';

const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export interface FunctionsContext {
  store: LayerStore;
  functions: FunctionRegistry;
}

export async function createFunction(c: FunctionsContext, r: ApiRequest): Promise<ApiResponse> {
  const name = reqString(r.json, 'FunctionName');
  if (!FUNCTION_NAME.test(name)) throw invalidParameter(`1 validation error detected: Value '${name}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+ (at most 64 characters)`);
  const role = reqString(r.json, 'Role');
  checkRole(role);
  const runtime = optString(r.json, 'Runtime');
  const handler = optString(r.json, 'Handler');
  if ((optString(r.json, 'PackageType') ?? 'Zip') !== 'Zip') throw invalidParameter('bootspec runs zip functions only; PackageType must be Zip');
  if (runtime === undefined || handler === undefined) throw invalidParameter('Runtime and Handler are mandatory parameters for functions created with deployment packages.');
  checkRuntime(runtime);
  const timeout = optInt(r.json, 'Timeout') ?? 3;
  const memorySize = optInt(r.json, 'MemorySize') ?? 128;
  checkTimeout(timeout);
  checkMemory(memorySize);
  const environment = checkEnvironment(optObject(optObject(r.json, 'Environment'), 'Variables') ?? {});
  const architectures = optStringList(r.json, 'Architectures') ?? ['x86_64'];
  const zip = optBlob(optObject(r.json, 'Code'), 'ZipFile');
  if (!zip) throw invalidParameter('Please provide a source for function code, such as Code.ZipFile.', 'aws lambda create-function --zip-file fileb://function.zip');
  if (c.functions.has(r.caller, name)) throw conflict(`Function already exist: ${name}`, 'update it with UpdateFunctionCode / UpdateFunctionConfiguration, or delete it first');
  // Everything is checked before anything is stored or started.
  const layers = await resolveLayers(c.store, r.caller, optStringList(r.json, 'Layers') ?? [], []);
  const code = await c.functions.storeCode(zip);
  checkUnzippedTotal(code.unzippedSize, layers);
  const f: LambdaFunction = {
    name,
    account: r.caller.account,
    region: r.caller.region,
    arn: functionArn(r.caller.region, r.caller.account, name),
    runtime,
    role,
    handler,
    description: optString(r.json, 'Description') ?? '',
    timeout,
    memorySize,
    environment,
    architectures,
    ephemeralStorage: optInt(optObject(r.json, 'EphemeralStorage'), 'Size') ?? 512,
    code,
    layers,
    lastModified: lambdaDate(),
    revisionId: crypto.randomUUID(),
    pool: undefined,
  };
  c.functions.add(f);
  return { status: 201, body: functionConfiguration(f) };
}

export async function getFunction(c: FunctionsContext, r: ApiRequest): Promise<ApiResponse> {
  const f = c.functions.find(r.caller, qualified(r));
  return {
    status: 200,
    body: { Configuration: functionConfiguration(f), Code: { RepositoryType: 'S3', Location: downloadUrl(r.origin, f.code.sha256) } },
  };
}

export async function getFunctionConfiguration(c: FunctionsContext, r: ApiRequest): Promise<ApiResponse> {
  return { status: 200, body: functionConfiguration(c.functions.find(r.caller, qualified(r))) };
}

export async function updateFunctionConfiguration(c: FunctionsContext, r: ApiRequest): Promise<ApiResponse> {
  const f = c.functions.find(r.caller, param(r, 'FunctionName'));
  checkRevision(f, optString(r.json, 'RevisionId'));
  const runtime = optString(r.json, 'Runtime');
  if (runtime !== undefined) checkRuntime(runtime);
  const role = optString(r.json, 'Role');
  if (role !== undefined) checkRole(role);
  const timeout = optInt(r.json, 'Timeout');
  if (timeout !== undefined) checkTimeout(timeout);
  const memorySize = optInt(r.json, 'MemorySize');
  if (memorySize !== undefined) checkMemory(memorySize);
  const envObject = optObject(r.json, 'Environment');
  const environment = envObject === undefined ? undefined : checkEnvironment(optObject(envObject, 'Variables') ?? {});
  const arns = optStringList(r.json, 'Layers');
  const layers = arns === undefined ? f.layers : await resolveLayers(c.store, r.caller, arns, f.layers);
  checkUnzippedTotal(f.code.unzippedSize, layers);
  // Checked in full above; applied all at once.
  f.layers = layers;
  if (runtime !== undefined) f.runtime = runtime;
  if (role !== undefined) f.role = role;
  if (timeout !== undefined) f.timeout = timeout;
  if (memorySize !== undefined) f.memorySize = memorySize;
  if (environment !== undefined) f.environment = environment;
  f.handler = optString(r.json, 'Handler') ?? f.handler;
  f.description = optString(r.json, 'Description') ?? f.description;
  await c.functions.changed(f);
  return { status: 200, body: functionConfiguration(f) };
}

export async function updateFunctionCode(c: FunctionsContext, r: ApiRequest): Promise<ApiResponse> {
  const f = c.functions.find(r.caller, param(r, 'FunctionName'));
  checkRevision(f, optString(r.json, 'RevisionId'));
  const zip = optBlob(r.json, 'ZipFile');
  if (!zip) throw invalidParameter('Please provide a source for function code, such as ZipFile.', 'aws lambda update-function-code --zip-file fileb://function.zip');
  const code = await c.functions.storeCode(zip);
  checkUnzippedTotal(code.unzippedSize, f.layers);
  if (r.json?.DryRun === true) return { status: 200, body: functionConfiguration({ ...f, code }) };
  f.code = code;
  await c.functions.changed(f);
  return { status: 200, body: functionConfiguration(f) };
}

export async function deleteFunction(c: FunctionsContext, r: ApiRequest): Promise<ApiResponse> {
  await c.functions.remove(c.functions.find(r.caller, qualified(r)));
  return { status: 204 };
}

export async function listFunctions(c: FunctionsContext, r: ApiRequest): Promise<ApiResponse> {
  const max = queryInt(r, 'MaxItems') ?? 50;
  if (max < 1 || max > 10_000) throw invalidParameter(`1 validation error detected: Value '${max}' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 10000 and greater than or equal to 1`);
  // pageOf caps pages at 50 (the layer lists' limit); ListFunctions returns at most 50 per page too.
  const page = pageOf(c.functions.list(r.caller), (f) => f.name, { marker: queryString(r, 'Marker'), maxItems: Math.min(max, 50) });
  return { status: 200, body: { Functions: page.items.map(functionConfiguration), ...(page.nextMarker === undefined ? {} : { NextMarker: page.nextMarker }) } };
}

function qualified(r: ApiRequest): string {
  const q = queryString(r, 'Qualifier');
  return q === undefined ? param(r, 'FunctionName') : `${param(r, 'FunctionName')}:${q}`;
}

function checkRevision(f: LambdaFunction, revisionId: string | undefined): void {
  if (revisionId !== undefined && revisionId !== f.revisionId) {
    throw preconditionFailed('The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id', 'read the function again and pass its RevisionId, or leave it out');
  }
}
