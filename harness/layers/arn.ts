/** Layer names and ARNs (patterns from the Lambda API reference, API_PublishLayerVersion / API_GetLayerVersionByArn). */
import { invalidParameter } from './lambda-errors.ts';
import type { Caller } from './types.ts';

const NAME = /^[a-zA-Z0-9_-]{1,140}$/;
const LAYER_ARN = /^arn:(aws[a-zA-Z-]*):lambda:([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):(\d{12}):layer:([a-zA-Z0-9_-]+)$/;
const VERSION_ARN = /^arn:(aws[a-zA-Z-]*):lambda:([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):(\d{12}):layer:([a-zA-Z0-9_-]+):([0-9]+)$/;

export interface LayerRef {
  partition: string;
  region: string;
  account: string;
  name: string;
}

export interface LayerVersionRef extends LayerRef {
  version: number;
}

export function layerArn(r: LayerRef): string {
  return `arn:${r.partition}:lambda:${r.region}:${r.account}:layer:${r.name}`;
}

export function layerVersionArn(r: LayerVersionRef): string {
  return `${layerArn(r)}:${r.version}`;
}

/** A `LayerName` path parameter: a bare name (the caller's own layer) or a layer ARN. */
export function parseLayerName(value: string, caller: Caller): LayerRef {
  if (NAME.test(value)) return { partition: 'aws', region: caller.region, account: caller.account, name: value };
  const m = LAYER_ARN.exec(value);
  if (!m) {
    throw invalidParameter(
      `1 validation error detected: Value '${value}' at 'layerName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+`,
      'a layer name is letters, digits, - and _ (at most 140), or arn:aws:lambda:<region>:<account>:layer:<name>',
    );
  }
  return { partition: m[1] as string, region: m[2] as string, account: m[3] as string, name: m[4] as string };
}

/** A layer version ARN, or undefined when `value` is not one. */
export function parseLayerVersionArn(value: string): LayerVersionRef | undefined {
  const m = VERSION_ARN.exec(value);
  if (!m) return undefined;
  const version = Number(m[5]);
  if (!Number.isSafeInteger(version)) return undefined;
  return { partition: m[1] as string, region: m[2] as string, account: m[3] as string, name: m[4] as string, version };
}

/** A layer version ARN as the API takes it (Layers[] of a function, GetLayerVersionByArn). */
export function requireLayerVersionArn(value: string, field: string): LayerVersionRef {
  const ref = parseLayerVersionArn(value);
  if (ref) return ref;
  throw invalidParameter(
    `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+`,
    'use a layer version ARN, arn:aws:lambda:<region>:<account>:layer:<name>:<version>, as PublishLayerVersion returned it',
  );
}

/** A version number path parameter. */
export function parseVersionNumber(value: string): number {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(n)) {
    throw invalidParameter(`Invalid version number: ${value}`, 'a layer version is a whole number, as PublishLayerVersion returned it');
  }
  return n;
}
