/**
 * The control plane's routes: the real REST paths of the Lambda service model (botocore
 * data/lambda/2015-03-31/service-2.json), each to one handler.
 */
import type { LayerStore } from '../layers/store.ts';
import type { FunctionsContext } from './handlers/functions.ts';
import * as fn from './handlers/functions.ts';
import * as layers from './handlers/layers.ts';
import type { ApiRequest, ApiResponse } from './types.ts';

export interface RouteContext extends FunctionsContext {
  store: LayerStore;
}

export interface Route {
  operation: string;
  method: string;
  pattern: RegExp;
  handle: (c: RouteContext, r: ApiRequest) => Promise<ApiResponse>;
}

const L = '/2018-10-31/layers';
const F = '/2015-03-31/functions';
const SEG = '([^/]+)';

function route(operation: string, method: string, path: string, handle: Route['handle']): Route {
  return { operation, method, pattern: new RegExp(`^${path}$`), handle };
}

/** Parameter names, in the order they appear in the path. */
const PARAMS: Record<string, string[]> = {
  layer: ['LayerName'],
  version: ['LayerName', 'VersionNumber'],
  statement: ['LayerName', 'VersionNumber', 'StatementId'],
  function: ['FunctionName'],
};

export const ROUTES: Array<Route & { params: string[] }> = [
  { ...route('ListLayers', 'GET', L, (c, r) => (r.query.get('find') === 'LayerVersion' ? layers.getLayerVersionByArn(c.store, r) : layers.listLayers(c.store, r))), params: [] },
  { ...route('PublishLayerVersion', 'POST', `${L}/${SEG}/versions`, (c, r) => layers.publishLayerVersion(c.store, r)), params: PARAMS.layer as string[] },
  { ...route('ListLayerVersions', 'GET', `${L}/${SEG}/versions`, (c, r) => layers.listLayerVersions(c.store, r)), params: PARAMS.layer as string[] },
  { ...route('GetLayerVersion', 'GET', `${L}/${SEG}/versions/${SEG}`, (c, r) => layers.getLayerVersion(c.store, r)), params: PARAMS.version as string[] },
  { ...route('DeleteLayerVersion', 'DELETE', `${L}/${SEG}/versions/${SEG}`, (c, r) => layers.deleteLayerVersion(c.store, r)), params: PARAMS.version as string[] },
  { ...route('AddLayerVersionPermission', 'POST', `${L}/${SEG}/versions/${SEG}/policy`, (c, r) => layers.addLayerVersionPermission(c.store, r)), params: PARAMS.version as string[] },
  { ...route('GetLayerVersionPolicy', 'GET', `${L}/${SEG}/versions/${SEG}/policy`, (c, r) => layers.getLayerVersionPolicy(c.store, r)), params: PARAMS.version as string[] },
  { ...route('RemoveLayerVersionPermission', 'DELETE', `${L}/${SEG}/versions/${SEG}/policy/${SEG}`, (c, r) => layers.removeLayerVersionPermission(c.store, r)), params: PARAMS.statement as string[] },
  { ...route('CreateFunction', 'POST', F, fn.createFunction), params: [] },
  { ...route('ListFunctions', 'GET', F, fn.listFunctions), params: [] },
  { ...route('GetFunction', 'GET', `${F}/${SEG}`, fn.getFunction), params: PARAMS.function as string[] },
  { ...route('DeleteFunction', 'DELETE', `${F}/${SEG}`, fn.deleteFunction), params: PARAMS.function as string[] },
  { ...route('GetFunctionConfiguration', 'GET', `${F}/${SEG}/configuration`, fn.getFunctionConfiguration), params: PARAMS.function as string[] },
  { ...route('UpdateFunctionConfiguration', 'PUT', `${F}/${SEG}/configuration`, fn.updateFunctionConfiguration), params: PARAMS.function as string[] },
  { ...route('UpdateFunctionCode', 'PUT', `${F}/${SEG}/code`, fn.updateFunctionCode), params: PARAMS.function as string[] },
];

/** Invoke is routed apart: its body is the event, raw, within the Invoke API's 6 MB. */
export const INVOKE_PATH = new RegExp(`^${F}/${SEG}/invocations$`);

export function match(method: string, path: string): { route: (typeof ROUTES)[number]; params: Record<string, string> } | undefined {
  for (const r of ROUTES) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    r.params.forEach((name, i) => {
      params[name] = decodeURIComponent(m[i + 1] as string);
    });
    return { route: r, params };
  }
  return undefined;
}
