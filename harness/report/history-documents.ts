/**
 * Reads the report's input files: results documents (validated against schemas/results.v1.schema.json),
 * bench documents (normalised, tolerant), and the nightly's lane status. Bad input names the file,
 * the field and the fix.
 */
import { readFileSync, statSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { BootspecError, ErrorCodes } from '../errors.ts';
import { benchFigures, looksLikeBench } from './history-bench.ts';
import type { BenchSnapshot, ConformanceSnapshot, LaneId, NightlyStatus, ResultsDocument } from './history-types.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const schema = JSON.parse(readFileSync(new URL('../../schemas/results.v1.schema.json', import.meta.url), 'utf8')) as Json;
const validateResults = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile<ResultsDocument>(schema);

/** The results document schema, for tests and editors. */
export const RESULTS_SCHEMA = schema;

export interface InputOptions {
  /** Documents from these files count as older than every other input (a CI baseline). */
  baseline?: boolean;
}

export type LoadedDocument =
  | { kind: 'results'; file: string; at: string; baseline: boolean; doc: ResultsDocument; snapshots: Array<LaneId & { snapshot: ConformanceSnapshot }> }
  | { kind: 'bench'; file: string; at: string; baseline: boolean; snapshots: Array<LaneId & { snapshot: BenchSnapshot }>; sharded?: Json }
  | { kind: 'nightly-status'; file: string; at: string; baseline: boolean; status: NightlyStatus };

function invalid(file: string, message: string, hint: string): BootspecError {
  return new BootspecError(ErrorCodes.USAGE, `${file}: ${message}`, { hint });
}

function describeSchemaErrors(errors: ErrorObject[]): string {
  return errors
    .slice(0, 5)
    .map((e) => `${e.instancePath || '(document)'} ${e.message ?? 'is invalid'}${e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : ''}`)
    .join('; ');
}

function readJson(file: string): Json {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw invalid(file, `cannot read: ${(err as Error).message}`, 'pass files written by bootspec run --json or bootspec bench --json');
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw invalid(file, `not JSON: ${(err as Error).message}`, 'pass files written by bootspec run --json or bootspec bench --json');
  }
  if (!isObject(doc)) throw invalid(file, 'not a JSON object', 'pass files written by bootspec run --json or bootspec bench --json');
  return doc;
}

const dateOf = (v: unknown): string | undefined => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? new Date(v).toISOString() : undefined);

function loadResults(file: string, doc: Json, baseline: boolean): LoadedDocument {
  if (!validateResults(doc)) {
    throw invalid(file, `not a valid results document: ${describeSchemaErrors(validateResults.errors ?? [])}`, 'regenerate it with bootspec run --json F (schemas/results.v1.schema.json)');
  }
  const at = doc.generatedAt;
  const snapshots = doc.runs.map((run) => ({
    runtime: run.runtime.name,
    driver: run.runtime.driver,
    snapshot: { at, file, toolVersion: doc.tool.version, strict: doc.strict, ...(doc.host ? { host: doc.host } : {}), run },
  }));
  return { kind: 'results', file, at, baseline, doc, snapshots };
}

function benchLane(entry: Json, doc: Json): LaneId | undefined {
  const rt = entry.runtime;
  const name = typeof rt === 'string' ? rt : isObject(rt) && typeof rt.name === 'string' ? rt.name : typeof entry.name === 'string' ? entry.name : undefined;
  if (!name) return undefined;
  const driver = (isObject(rt) && typeof rt.driver === 'string' && rt.driver) || (typeof entry.driver === 'string' && entry.driver) || (typeof doc.driver === 'string' && doc.driver) || (isObject(doc.host) && typeof doc.host.driver === 'string' && doc.host.driver) || 'process';
  return { runtime: name, driver };
}

function loadBench(file: string, doc: Json, baseline: boolean): LoadedDocument {
  const entries = Array.isArray(doc.runs) ? doc.runs.filter(isObject) : [doc];
  const at = dateOf(doc.generatedAt) ?? dateOf(doc.startedAt) ?? statSync(file).mtime.toISOString();
  const tool = isObject(doc.tool) && typeof doc.tool.version === 'string' ? doc.tool.version : typeof doc.bootspec === 'string' ? doc.bootspec : undefined;
  const snapshots = entries.flatMap((entry) => {
    const lane = benchLane(entry, doc);
    if (!lane) return [];
    const figures = benchFigures(entry);
    if (!figures.host && isObject(doc.host)) figures.host = doc.host;
    const snapshot: BenchSnapshot = { at: dateOf(entry.startedAt) ?? at, file, figures, runtime: isObject(entry.runtime) ? entry.runtime : { name: lane.runtime } };
    if (tool) snapshot.toolVersion = tool;
    return [{ ...lane, snapshot }];
  });
  if (!snapshots.length) throw invalid(file, 'a bench document with no runtime named in it', 'each entry needs runtime.name (bootspec bench --json F writes it)');
  // one shard of a split (bench --shard i/N): kept whole for the merge (harness/shard/merge.ts)
  return { kind: 'bench', file, at, baseline, snapshots, ...(isObject(doc.shard) ? { sharded: doc } : {}) };
}

/** A bench document built in memory (the merge of a split's shards), read like a file would be. */
export function benchInMemory(doc: object, file: string, baseline: boolean): LoadedDocument {
  return loadBench(file, JSON.parse(JSON.stringify(doc)) as Json, baseline);
}

function loadStatus(file: string, doc: Json, baseline: boolean): LoadedDocument {
  const at = dateOf(doc.attemptedAt);
  if (!at || !Array.isArray(doc.lanes)) throw invalid(file, 'a nightly status without attemptedAt or lanes', 'use the lanes.json that bootspec nightly writes');
  return { kind: 'nightly-status', file, at, baseline, status: doc as unknown as NightlyStatus };
}

/** A results document already in memory (bootspec run --html), checked like a file would be. */
export function resultsInMemory(doc: Record<string, unknown>, file: string): LoadedDocument {
  // through JSON, as a file would be: undefined fields vanish, dates stay strings
  return loadResults(file, JSON.parse(JSON.stringify(doc)) as Json, false);
}

/** Reads one input file and tells what it is. */
export function loadDocument(file: string, options: InputOptions = {}): LoadedDocument {
  const doc = readJson(file);
  const baseline = options.baseline ?? false;
  if (doc.kind === 'bootspec-nightly-status') return loadStatus(file, doc, baseline);
  if (looksLikeBench(doc)) return loadBench(file, doc, baseline);
  if ('results' in doc || 'runs' in doc) return loadResults(file, doc, baseline);
  throw invalid(file, 'neither a results document (no "runs") nor a bench document (no "latency")', 'pass files written by bootspec run --json or bootspec bench --json');
}
