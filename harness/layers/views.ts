/** Layer versions as Lambda's API returns them (GetLayerVersionResponse, LayerVersionsListItem). */
import type { ResolvedLayerVersion } from './types.ts';

/** Lambda's CodeSha256: the base64 of the digest, not hex. */
export function codeSha256(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

export function layerVersionListItem(r: ResolvedLayerVersion): Record<string, unknown> {
  const v = r.record;
  return {
    LayerVersionArn: r.layerVersionArn,
    Version: v.version,
    Description: v.description,
    CreatedDate: v.createdDate,
    CompatibleRuntimes: v.compatibleRuntimes,
    CompatibleArchitectures: v.compatibleArchitectures,
    ...(v.licenseInfo === undefined ? {} : { LicenseInfo: v.licenseInfo }),
  };
}

/** `location`: where the zip can be downloaded (the control plane's URL; a file path on the CLI). */
export function layerVersionView(r: ResolvedLayerVersion, location: string): Record<string, unknown> {
  return {
    Content: { Location: location, CodeSha256: codeSha256(r.record.sha256), CodeSize: r.record.codeSize },
    LayerArn: r.layerArn,
    ...layerVersionListItem(r),
  };
}
