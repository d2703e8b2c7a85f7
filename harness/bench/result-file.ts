/** Writing a result, and reading a saved one back as a baseline (checked against the versioned schema). */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import schema from '../../schemas/bench.v1.schema.json' with { type: 'json' };
import { BootspecError, ErrorCodes } from '../errors.ts';
import type { BenchResult } from './types.ts';

const validate = new Ajv({ allErrors: true, strict: false }).compile<BenchResult>(schema);

/** Problems of a would-be result, one line each (empty when it is valid). */
export function schemaProblems(value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}

export function writeResult(path: string, result: BenchResult): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
}

export function readBaseline(path: string): BenchResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new BootspecError(ErrorCodes.USAGE, `cannot read --baseline ${path}: ${(err as Error).message}`, {
      hint: 'save one first: bootspec bench <runtime> --json baseline.json',
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new BootspecError(ErrorCodes.USAGE, `--baseline ${path} is not JSON: ${(err as Error).message}`, { hint: 'pass a file written by bootspec bench --json' });
  }
  const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== 1) {
    throw new BootspecError(ErrorCodes.USAGE, `--baseline ${path} has schemaVersion ${JSON.stringify(version)}; this bootspec reads version 1`, {
      hint: 'measure a new baseline with this version of bootspec',
    });
  }
  const problems = schemaProblems(value);
  if (problems.length > 0) {
    throw new BootspecError(ErrorCodes.USAGE, `--baseline ${path} does not match schemas/bench.v1.schema.json:\n  ${problems.slice(0, 10).join('\n  ')}`, {
      hint: 'pass a file written by bootspec bench --json, unedited',
    });
  }
  return value as BenchResult;
}
