/** The Layers API (API_PublishLayerVersion … API_DeleteLayerVersion), one function per operation. */
import { parseLayerName, parseVersionNumber } from '../../layers/arn.ts';
import { invalidParameter } from '../../layers/lambda-errors.ts';
import type { LayerStore } from '../../layers/store.ts';
import type { ListFilter } from '../../layers/types.ts';
import { checkArchitecture, checkRuntime } from '../../layers/validate.ts';
import { layerVersionListItem, layerVersionView } from '../../layers/views.ts';
import { downloadUrl } from '../downloads.ts';
import type { ApiRequest, ApiResponse } from '../types.ts';
import { optBlob, optObject, optString, optStringList, param, queryInt, queryString, reqString } from './input.ts';

export async function publishLayerVersion(store: LayerStore, r: ApiRequest): Promise<ApiResponse> {
  const ref = parseLayerName(param(r, 'LayerName'), r.caller);
  const content = optObject(r.json, 'Content');
  if (!content) throw invalidParameter("1 validation error detected: Value null at 'content' failed to satisfy constraint: Member must not be null");
  if (content.S3Bucket !== undefined || content.S3Key !== undefined) {
    throw invalidParameter('bootspec has no S3: upload the layer as Content.ZipFile', 'aws lambda publish-layer-version --zip-file fileb://layer.zip');
  }
  const zip = optBlob(content, 'ZipFile');
  if (!zip) throw invalidParameter('Please provide a source for the layer, such as Content.ZipFile.', 'aws lambda publish-layer-version --zip-file fileb://layer.zip');
  if (ref.account !== r.caller.account || ref.region !== r.caller.region) {
    throw invalidParameter(`Layers can only be published in the caller's own account and region (${r.caller.account}, ${r.caller.region}).`);
  }
  const v = await store.publish(r.caller, {
    layerName: ref.name,
    zip,
    description: optString(r.json, 'Description'),
    compatibleRuntimes: optStringList(r.json, 'CompatibleRuntimes'),
    compatibleArchitectures: optStringList(r.json, 'CompatibleArchitectures'),
    licenseInfo: optString(r.json, 'LicenseInfo'),
  });
  return { status: 201, body: layerVersionView(v, downloadUrl(r.origin, v.record.sha256)) };
}

export async function getLayerVersion(store: LayerStore, r: ApiRequest): Promise<ApiResponse> {
  const ref = parseLayerName(param(r, 'LayerName'), r.caller);
  const v = await store.get(r.caller, ref, parseVersionNumber(param(r, 'VersionNumber')));
  return { status: 200, body: layerVersionView(v, downloadUrl(r.origin, v.record.sha256)) };
}

export async function getLayerVersionByArn(store: LayerStore, r: ApiRequest): Promise<ApiResponse> {
  const arn = queryString(r, 'Arn');
  if (arn === undefined) throw invalidParameter("1 validation error detected: Value null at 'arn' failed to satisfy constraint: Member must not be null");
  const v = await store.getByArn(r.caller, arn);
  return { status: 200, body: layerVersionView(v, downloadUrl(r.origin, v.record.sha256)) };
}

function listFilter(r: ApiRequest): ListFilter {
  const compatibleRuntime = queryString(r, 'CompatibleRuntime');
  const compatibleArchitecture = queryString(r, 'CompatibleArchitecture');
  if (compatibleRuntime !== undefined) checkRuntime(compatibleRuntime, 'compatibleRuntime');
  if (compatibleArchitecture !== undefined) checkArchitecture(compatibleArchitecture, 'compatibleArchitecture');
  return { compatibleRuntime, compatibleArchitecture, marker: queryString(r, 'Marker'), maxItems: queryInt(r, 'MaxItems') };
}

export async function listLayers(store: LayerStore, r: ApiRequest): Promise<ApiResponse> {
  const page = await store.list(r.caller, listFilter(r));
  return {
    status: 200,
    body: {
      Layers: page.items.map((l) => ({ LayerName: l.layerName, LayerArn: l.layerArn, LatestMatchingVersion: layerVersionListItem(l.latest) })),
      ...(page.nextMarker === undefined ? {} : { NextMarker: page.nextMarker }),
    },
  };
}

export async function listLayerVersions(store: LayerStore, r: ApiRequest): Promise<ApiResponse> {
  const ref = parseLayerName(param(r, 'LayerName'), r.caller);
  const page = await store.listVersions(r.caller, ref, listFilter(r));
  return {
    status: 200,
    body: { LayerVersions: page.items.map(layerVersionListItem), ...(page.nextMarker === undefined ? {} : { NextMarker: page.nextMarker }) },
  };
}

export async function deleteLayerVersion(store: LayerStore, r: ApiRequest): Promise<ApiResponse> {
  const ref = parseLayerName(param(r, 'LayerName'), r.caller);
  await store.delete(r.caller, ref, parseVersionNumber(param(r, 'VersionNumber')));
  return { status: 204 };
}

export async function addLayerVersionPermission(store: LayerStore, r: ApiRequest): Promise<ApiResponse> {
  const ref = parseLayerName(param(r, 'LayerName'), r.caller);
  const out = await store.addPermission(r.caller, ref, parseVersionNumber(param(r, 'VersionNumber')), {
    statementId: reqString(r.json, 'StatementId'),
    action: reqString(r.json, 'Action'),
    principal: reqString(r.json, 'Principal'),
    organizationId: optString(r.json, 'OrganizationId'),
    revisionId: queryString(r, 'RevisionId'),
  });
  return { status: 201, body: { Statement: out.statement, RevisionId: out.revisionId } };
}

export async function removeLayerVersionPermission(store: LayerStore, r: ApiRequest): Promise<ApiResponse> {
  const ref = parseLayerName(param(r, 'LayerName'), r.caller);
  await store.removePermission(r.caller, ref, parseVersionNumber(param(r, 'VersionNumber')), param(r, 'StatementId'), queryString(r, 'RevisionId'));
  return { status: 204 };
}

export async function getLayerVersionPolicy(store: LayerStore, r: ApiRequest): Promise<ApiResponse> {
  const ref = parseLayerName(param(r, 'LayerName'), r.caller);
  const out = await store.getPolicy(r.caller, ref, parseVersionNumber(param(r, 'VersionNumber')));
  return { status: 200, body: { Policy: out.policy, RevisionId: out.revisionId } };
}
