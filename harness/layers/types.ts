/** Public shapes of the layer store: layer versions, their permissions, and who is asking. */

/** The account and region a request is made as (from SigV4 on the control plane, flags on the CLI). */
export interface Caller {
  account: string;
  region: string;
  /** The caller's AWS Organizations id, when the account map gives one (for org-scoped grants). */
  organizationId?: string | undefined;
}

/** One statement of a layer version's resource-based policy, as AddLayerVersionPermission made it. */
export interface LayerStatement {
  statementId: string;
  action: 'lambda:GetLayerVersion';
  /** A 12-digit account id or `*`. */
  principal: string;
  organizationId?: string | undefined;
}

/** One immutable layer version. Deleted versions stay in the store (see LayerStore). */
export interface LayerVersionRecord {
  version: number;
  /** ISO-8601 with milliseconds and +0000, as Lambda writes CreatedDate. */
  createdDate: string;
  description: string;
  compatibleRuntimes: string[];
  compatibleArchitectures: string[];
  licenseInfo: string | undefined;
  /** Hex sha256 of the zip: the blob's name in the store. */
  sha256: string;
  /** Bytes of the zip. */
  codeSize: number;
  /** Bytes of its files once unzipped (counted against the 250 MB of function + layers). */
  unzippedSize: number;
  /** Set when DeleteLayerVersion ran: refused for new use, still there for functions that use it. */
  deletedDate: string | undefined;
  policy: { revisionId: string; statements: LayerStatement[] } | undefined;
}

/** Everything the store knows about one layer name in one account and region. */
export interface LayerDocument {
  name: string;
  account: string;
  region: string;
  /** The highest version ever published: numbers are never reused, even after a delete. */
  latestVersion: number;
  versions: LayerVersionRecord[];
}

/** A layer version together with where it lives. */
export interface ResolvedLayerVersion {
  layer: LayerDocument;
  record: LayerVersionRecord;
  layerArn: string;
  layerVersionArn: string;
  /** Host path of the zip in the store. */
  blobPath: string;
}

export interface PublishInput {
  layerName: string;
  zip: Buffer;
  description?: string | undefined;
  compatibleRuntimes?: string[] | undefined;
  compatibleArchitectures?: string[] | undefined;
  licenseInfo?: string | undefined;
}

export interface ListFilter {
  compatibleRuntime?: string | undefined;
  compatibleArchitecture?: string | undefined;
  marker?: string | undefined;
  maxItems?: number | undefined;
}

export interface AddPermissionInput {
  statementId: string;
  action: string;
  principal: string;
  organizationId?: string | undefined;
  revisionId?: string | undefined;
}

/** A page of a listing and the marker of the next one. */
export interface Page<T> {
  items: T[];
  nextMarker: string | undefined;
}
