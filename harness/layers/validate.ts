/** Request checks and list paging shared by the store's operations (limits from the Lambda API reference). */
import { invalidParameter } from './lambda-errors.ts';
import type { LayerVersionRecord, ListFilter, Page, PublishInput } from './types.ts';

const NAME = /^[a-zA-Z0-9_-]{1,140}$/;
const RUNTIME = /^[a-z][a-z0-9.-]{0,39}$/;
export const ARCHITECTURES: readonly string[] = ['x86_64', 'arm64'];
/** Direct uploads are limited to 50 MB zipped (dg/gettingstarted-limits.html). */
export const MAX_ZIP_BYTES = 50 * 1024 * 1024;

function validation(value: unknown, field: string, constraint: string): Error {
  return invalidParameter(`1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${constraint}`);
}

export function checkPublishInput(input: PublishInput): void {
  if (!NAME.test(input.layerName)) throw validation(input.layerName, 'layerName', 'Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+');
  if (input.zip.length === 0) throw invalidParameter('Uploaded file must be a non-empty zip', 'pass the layer as a .zip');
  if (input.zip.length > MAX_ZIP_BYTES) throw invalidParameter(`Unzipped size must be smaller than ${MAX_ZIP_BYTES} bytes`, 'direct uploads are limited to 50 MB zipped');
  if ((input.description ?? '').length > 256) throw validation(input.description, 'description', 'Member must have length less than or equal to 256');
  if ((input.licenseInfo ?? '').length > 512) throw validation(input.licenseInfo, 'licenseInfo', 'Member must have length less than or equal to 512');
  const runtimes = input.compatibleRuntimes ?? [];
  if (runtimes.length > 15) throw validation(runtimes, 'compatibleRuntimes', 'Member must have length less than or equal to 15');
  for (const r of runtimes) checkRuntime(r, 'compatibleRuntimes');
  const archs = input.compatibleArchitectures ?? [];
  if (archs.length > 2) throw validation(archs, 'compatibleArchitectures', 'Member must have length less than or equal to 2');
  for (const a of archs) checkArchitecture(a, 'compatibleArchitectures');
}

export function checkRuntime(value: string, field: string): void {
  if (!RUNTIME.test(value)) throw validation(value, field, 'Member must satisfy enum value set of Lambda runtimes (e.g. provided.al2023)');
}

export function checkArchitecture(value: string, field: string): void {
  if (!ARCHITECTURES.includes(value)) throw validation(value, field, 'Member must satisfy enum value set: [x86_64, arm64]');
}

/** A version matches a filter when it declares that runtime / architecture (none declared: no match). */
export function matches(v: LayerVersionRecord, f: ListFilter): boolean {
  if (f.compatibleRuntime !== undefined && !v.compatibleRuntimes.includes(f.compatibleRuntime)) return false;
  if (f.compatibleArchitecture !== undefined && !v.compatibleArchitectures.includes(f.compatibleArchitecture)) return false;
  return true;
}

/** One page of `rows` (already in order) after `marker`, at most MaxItems (1-50, default 50). */
export function pageOf<T>(rows: T[], key: (row: T) => string, f: ListFilter): Page<T> {
  const max = f.maxItems ?? 50;
  if (!Number.isInteger(max) || max < 1 || max > 50) throw validation(max, 'maxItems', 'Member must have value less than or equal to 50 and greater than or equal to 1');
  let start = 0;
  if (f.marker !== undefined) {
    const after = Buffer.from(f.marker, 'base64url').toString('utf8');
    const i = rows.findIndex((r) => key(r) === after);
    if (i < 0) throw invalidParameter(`Invalid pagination token: ${f.marker}`, 'pass the NextMarker of the previous page unchanged');
    start = i + 1;
  }
  const items = rows.slice(start, start + max);
  const last = items.at(-1);
  const more = start + max < rows.length;
  return { items, nextMarker: more && last !== undefined ? Buffer.from(key(last), 'utf8').toString('base64url') : undefined };
}
