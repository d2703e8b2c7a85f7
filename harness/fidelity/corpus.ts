/**
 * The corpus: conversations as data, one JSON file per area in harness/fidelity/corpus/ (an array of
 * conversations, or {"conversations": [...]}). Ids are unique across files.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BootspecError, ErrorCodes } from '../errors.ts';
import { validateConversation } from './grammar.ts';
import { FIDELITY_DIR } from './known.ts';
import type { Conversation } from './types.ts';

export const CORPUS_DIR = join(FIDELITY_DIR, 'corpus');
/** Where the fuzzer's shrunk reproducers go. */
export const FOUND_FILE = 'fuzz-found.json';

function conversationsIn(file: string): Conversation[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new BootspecError(ErrorCodes.USAGE, `${file} cannot be read as JSON: ${(err as Error).message}`, { hint: 'fix the JSON syntax', cause: err });
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { conversations?: unknown }).conversations;
  if (!Array.isArray(list)) throw new BootspecError(ErrorCodes.USAGE, `${file} holds no conversations`, { hint: 'write an array of conversations or {"conversations": [...]}' });
  return list as Conversation[];
}

export function loadCorpus(dir = CORPUS_DIR): Conversation[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const seen = new Map<string, string>();
  const all: Conversation[] = [];
  for (const f of files) {
    for (const c of conversationsIn(join(dir, f))) {
      validateConversation(c, f);
      const other = seen.get(c.id);
      if (other) throw new BootspecError(ErrorCodes.USAGE, `conversation id ${c.id} is in both ${other} and ${f}`, { hint: 'ids are unique across the corpus; rename one' });
      seen.set(c.id, f);
      all.push(c);
    }
  }
  return all;
}

/** Adds a reproducer to the corpus file of fuzz findings (replacing one with the same id). */
export function addToCorpus(c: Conversation, dir = CORPUS_DIR): string {
  const file = join(dir, FOUND_FILE);
  let list: Conversation[] = [];
  try {
    list = conversationsIn(file);
  } catch (err) {
    if ((err as { cause?: { code?: string } }).cause?.code !== 'ENOENT') throw err;
  }
  list = [...list.filter((x) => x.id !== c.id), c];
  writeFileSync(file, `${JSON.stringify(list, null, 2)}\n`);
  return file;
}
