/** Reading request members with Lambda's validation errors (rest-json: members by their model names). */
import { invalidParameter } from '../../layers/lambda-errors.ts';
import type { ApiRequest } from '../types.ts';

type Json = Record<string, unknown> | undefined;

export function optString(json: Json, key: string): string | undefined {
  const v = json?.[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidParameter(`${key} must be a string`);
  return v;
}

export function reqString(json: Json, key: string): string {
  const v = optString(json, key);
  if (v === undefined) throw invalidParameter(`1 validation error detected: Value null at '${lowerFirst(key)}' failed to satisfy constraint: Member must not be null`);
  return v;
}

export function optStringList(json: Json, key: string): string[] | undefined {
  const v = json?.[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw invalidParameter(`${key} must be a list of strings`);
  return v as string[];
}

export function optInt(json: Json, key: string): number | undefined {
  const v = json?.[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw invalidParameter(`${key} must be a whole number`);
  return v;
}

export function optObject(json: Json, key: string): Record<string, unknown> | undefined {
  const v = json?.[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidParameter(`${key} must be an object`);
  return v as Record<string, unknown>;
}

/** A base64 blob member (rest-json encodes blobs in base64). */
export function optBlob(json: Json, key: string): Buffer | undefined {
  const v = optString(json, key);
  if (v === undefined) return undefined;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v.replace(/\s+/g, ''))) throw invalidParameter(`${key} must be base64`);
  return Buffer.from(v, 'base64');
}

export function queryInt(r: ApiRequest, key: string): number | undefined {
  const v = r.query.get(key);
  if (v === null) return undefined;
  const n = Number(v);
  if (!/^-?[0-9]+$/.test(v) || !Number.isSafeInteger(n)) throw invalidParameter(`1 validation error detected: Value '${v}' at '${lowerFirst(key)}' failed to satisfy constraint: Member must be a number`);
  return n;
}

export function queryString(r: ApiRequest, key: string): string | undefined {
  return r.query.get(key) ?? undefined;
}

export function param(r: ApiRequest, key: string): string {
  return r.params[key] as string;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
