/**
 * runtime.json `layers` entries that are layer version ARNs, resolved through the layer store
 * (BOOTSPEC_LAYER_STORE, else the default folder) to the stored zip. The runtime folder acts as the
 * layer's own account, and a deleted version is refused, as for any new function configuration.
 */
import { BootspecError, ErrorCodes, isBootspecError } from '../errors.ts';
import { parseLayerVersionArn } from './arn.ts';
import { LayerStore } from './store.ts';

export function isLayerArn(entry: string): boolean {
  return entry.startsWith('arn:');
}

/** The zip of `arn` in the store; `field` (e.g. layers[0]) and `file` name the entry in errors. */
export async function resolveManifestLayer(arn: string, field: string, file: string, store = new LayerStore()): Promise<string> {
  const ref = parseLayerVersionArn(arn);
  if (!ref) {
    throw new BootspecError(ErrorCodes.MANIFEST_INVALID, `${file}: "${field}" is not a layer version ARN: ${arn}`, {
      hint: 'use arn:aws:lambda:<region>:<account>:layer:<name>:<version> as `bootspec layer publish` printed it, or a path',
    });
  }
  try {
    return (await store.resolveForUse({ account: ref.account, region: ref.region }, arn)).blobPath;
  } catch (err) {
    if (!isBootspecError(err)) throw err;
    throw new BootspecError(ErrorCodes.MANIFEST_INVALID, `${file}: "${field}": ${err.message}`, {
      hint: `the layer store at ${store.root} has no such live version; publish it with \`bootspec layer publish\`, or set BOOTSPEC_LAYER_STORE to the store that has it`,
      cause: err,
    });
  }
}
