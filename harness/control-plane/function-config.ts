/**
 * CreateFunction / UpdateFunctionConfiguration checks, refused with Lambda's errors before anything
 * starts (dg/gettingstarted-limits.html: 5 layers, 250 MB unzipped for function + layers, 4 KB of
 * environment variables; dg/configuration-envvars.html: reserved keys).
 */
import { RESERVED_ENV_VARS } from '../environment/env.ts';
import { MAX_LAYERS, MAX_MEMORY_MB, MAX_TIMEOUT_S, MAX_UNZIPPED_BYTES, MAX_USER_ENV_BYTES, MIN_MEMORY_MB } from '../environment/limits.ts';
import { parseLayerVersionArn } from '../layers/arn.ts';
import { invalidParameter } from '../layers/lambda-errors.ts';
import type { LayerStore } from '../layers/store.ts';
import type { Caller } from '../layers/types.ts';
import type { FunctionLayer } from './function-types.ts';

/** OS-only runtimes: the function brings its own bootstrap (dg/runtimes-provided.html). */
export const SUPPORTED_RUNTIMES: readonly string[] = ['provided.al2023', 'provided.al2', 'provided'];

export function checkRuntime(runtime: string): void {
  if (SUPPORTED_RUNTIMES.includes(runtime)) return;
  throw invalidParameter(
    `The runtime parameter of ${runtime} is not supported by this endpoint: bootspec runs OS-only runtimes (${SUPPORTED_RUNTIMES.join(', ')}).`,
    'use --runtime provided.al2023 and ship the runtime as a bootstrap in the function or a layer',
  );
}

export function checkMemory(mb: number): void {
  if (mb < MIN_MEMORY_MB || mb > MAX_MEMORY_MB) {
    throw invalidParameter(`1 validation error detected: Value '${mb}' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to ${MAX_MEMORY_MB} and greater than or equal to ${MIN_MEMORY_MB}`);
  }
}

export function checkTimeout(s: number): void {
  if (s < 1 || s > MAX_TIMEOUT_S) {
    throw invalidParameter(`1 validation error detected: Value '${s}' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to ${MAX_TIMEOUT_S} and greater than or equal to 1`);
  }
}

export function checkRole(role: string): void {
  if (!/^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/.test(role)) {
    throw invalidParameter(`1 validation error detected: Value '${role}' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+`, 'any well-formed role ARN works here, e.g. arn:aws:iam::123456789012:role/lambda-role');
  }
}

export function checkEnvironment(vars: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars)) {
    if (typeof v !== 'string') throw invalidParameter(`Environment variable ${k} must be a string`);
    out[k] = v;
  }
  const reserved = Object.keys(out).filter((k) => RESERVED_ENV_VARS.has(k));
  if (reserved.length > 0) {
    throw invalidParameter(
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  }
  const size = Buffer.byteLength(JSON.stringify(out));
  if (size > MAX_USER_ENV_BYTES) {
    throw invalidParameter(`Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${JSON.stringify(out)}`);
  }
  return out;
}

/**
 * Resolves a configuration's Layers: at most 5, one version per layer, each one the caller may use.
 * ARNs the function already had keep working even if deleted or unshared since.
 */
export async function resolveLayers(store: LayerStore, caller: Caller, arns: string[], current: readonly FunctionLayer[]): Promise<FunctionLayer[]> {
  if (arns.length > MAX_LAYERS) throw invalidParameter(`Cannot reference more than ${MAX_LAYERS} layers.`, 'merge some layers, or move their files into the function');
  const seen = new Map<string, string>();
  const out: FunctionLayer[] = [];
  for (const arn of arns) {
    const ref = parseLayerVersionArn(arn);
    const key = ref ? `${ref.account}:${ref.region}:${ref.name}` : arn;
    const other = seen.get(key);
    if (other !== undefined) {
      throw invalidParameter(`Two different versions of the same layer are not allowed to be referenced in the same function. ${other} and ${arn} are versions of the same layer.`);
    }
    seen.set(key, arn);
    const kept = current.find((l) => l.arn === arn);
    if (kept) {
      out.push(kept);
      continue;
    }
    const v = await store.resolveForUse(caller, arn);
    out.push({ arn: v.layerVersionArn, sha256: v.record.sha256, codeSize: v.record.codeSize, unzippedSize: v.record.unzippedSize, blobPath: v.blobPath });
  }
  return out;
}

/** Function + layers ≤ 250 MB unzipped. */
export function checkUnzippedTotal(codeUnzipped: number, layers: readonly FunctionLayer[]): void {
  const total = layers.reduce((n, l) => n + l.unzippedSize, codeUnzipped);
  if (total > MAX_UNZIPPED_BYTES) {
    throw invalidParameter(
      `Function code combined with layers exceeds the maximum allowed size of ${MAX_UNZIPPED_BYTES} bytes. The actual size is ${total} bytes.`,
      'ship less in the function or its layers (250 MB unzipped in all), or use a container image',
    );
  }
}
