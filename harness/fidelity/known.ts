/**
 * The list that explains divergences: deliberate.json, where bootspec does it differently on purpose,
 * each entry with the reason and its evidence. Any other divergence is a bug of the mock: it is fixed,
 * never parked in a list, so the harness fails on it.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BootspecError, ErrorCodes } from '../errors.ts';
import type { DeliberateEntry, Divergence, DivergenceMatch, Explanation } from './types.ts';

export const FIDELITY_DIR = dirname(fileURLToPath(import.meta.url));
export const DELIBERATE_FILE = join(FIDELITY_DIR, 'deliberate.json');

export interface KnownDivergences {
  deliberate: DeliberateEntry[];
}

const MATCH_FIELDS: (keyof DivergenceMatch)[] = ['conversation', 'target', 'requestLine', 'field', 'rie', 'mock'];

function readList(file: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new BootspecError(ErrorCodes.USAGE, `${file} cannot be read as JSON: ${(err as Error).message}`, { hint: 'fix the JSON syntax', cause: err });
  }
  const entries = (parsed as { entries?: unknown }).entries;
  if (!Array.isArray(entries)) throw new BootspecError(ErrorCodes.USAGE, `${file} has no "entries" array`, { hint: 'write {"entries": [ … ]}' });
  return entries;
}

function checkEntry(file: string, e: unknown, extra: string[]): void {
  const o = e as Record<string, unknown>;
  const id = typeof o.id === 'string' ? o.id : '?';
  const bad = (msg: string) => new BootspecError(ErrorCodes.USAGE, `${file}: entry ${id}: ${msg}`, { hint: 'every entry needs id, match, reason and its own fields (see the other entries)' });
  if (typeof o.id !== 'string' || typeof o.reason !== 'string' || o.reason.length < 10) throw bad('needs an id and a reason of at least a sentence');
  const m = o.match as Record<string, unknown> | undefined;
  if (!m || typeof m !== 'object' || Object.keys(m).length === 0) throw bad('needs a non-empty "match"');
  for (const [k, v] of Object.entries(m)) {
    if (!MATCH_FIELDS.includes(k as keyof DivergenceMatch) || typeof v !== 'string') throw bad(`match.${k} is not one of ${MATCH_FIELDS.join(', ')} with a string value`);
    try {
      new RegExp(v);
    } catch {
      throw bad(`match.${k} is not a regular expression`);
    }
  }
  for (const f of extra) if (o[f] === undefined) throw bad(`needs "${f}"`);
  if (o.thenDiverges !== undefined && typeof o.thenDiverges !== 'boolean') throw bad('"thenDiverges" is true or false');
}

export function readKnown(deliberateFile = DELIBERATE_FILE): KnownDivergences {
  const deliberate = readList(deliberateFile);
  for (const e of deliberate) checkEntry(deliberateFile, e, ['evidence']);
  return { deliberate: deliberate as DeliberateEntry[] };
}

export function matches(m: DivergenceMatch, d: Divergence): boolean {
  for (const k of MATCH_FIELDS) {
    const pattern = m[k];
    if (pattern !== undefined && !new RegExp(pattern).test(String(d[k]))) return false;
  }
  return true;
}

export function explain(d: Divergence, known: KnownDivergences): Explanation {
  const del = known.deliberate.find((e) => matches(e.match, d));
  return del ? { kind: 'deliberate', id: del.id } : { kind: 'unlisted' };
}
