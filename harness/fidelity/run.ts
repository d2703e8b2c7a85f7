/**
 * A whole fidelity run: every corpus conversation, then generated ones for a bounded time, each taken
 * through the emulator and the mock side by side. A generated conversation with an unlisted divergence
 * is shrunk to a reproducer (and added to the corpus when asked).
 */
import { readFileSync } from 'node:fs';
import { emulatorPath } from '../bench/emulator.ts';
import { addToCorpus, loadCorpus } from './corpus.ts';
import { runDifferential } from './differential.ts';
import { generateConversation } from './fuzz.ts';
import { type KnownDivergences, readKnown } from './known.ts';
import type { RunOptions } from './runner.ts';
import { shrink, signature } from './shrink.ts';
import type { Conversation, ConversationResult, FidelityReport } from './types.ts';

export interface FidelityOptions extends RunOptions {
  fuzzSeconds: number;
  seed: number;
  /** Only corpus conversations whose id matches. */
  only?: RegExp;
  /** Write shrunk reproducers into the corpus (corpus/fuzz-found.json). */
  saveFound?: boolean;
  known?: KnownDivergences;
  corpus?: Conversation[];
  onResult?: (r: ConversationResult) => void;
}

/** The first divergence nothing explains, if any. */
function unlisted(r: ConversationResult) {
  return r.divergences.find((d) => !d.consequent && d.explanation.kind === 'unlisted');
}

export async function runFidelity(o: FidelityOptions): Promise<FidelityReport> {
  const path = emulatorPath();
  const known = o.known ?? readKnown();
  const corpus = (o.corpus ?? loadCorpus()).filter((c) => !o.only || o.only.test(c.id));
  const results: ConversationResult[] = [];
  for (const c of corpus) {
    const { result } = await runDifferential(c, 'corpus', { ...o, known });
    results.push(result);
    o.onResult?.(result);
  }

  const reproducers: string[] = [];
  const end = Date.now() + o.fuzzSeconds * 1000;
  let fuzzed = 0;
  for (let n = 0; Date.now() < end; n++) {
    const c = generateConversation(o.seed, n);
    const { result } = await runDifferential(c, 'fuzz', { ...o, known });
    fuzzed += 1;
    const first = unlisted(result);
    if (first && Date.now() < end) {
      const sig = signature(first);
      const still = async (x: Conversation) => {
        const { result: r } = await runDifferential(x, 'fuzz', { ...o, known });
        return r.divergences.some((d) => !d.consequent && d.explanation.kind === 'unlisted' && signature(d) === sig);
      };
      const small = await shrink(c, still, 25);
      const found = { ...small.conversation, id: `found.${o.seed}.${n}`, title: `fuzz finding: ${sig}` };
      reproducers.push(found.id);
      if (o.saveFound) addToCorpus(found);
      result.title = `${result.title}; shrunk to ${found.steps.length} steps (${small.trials} trials): ${JSON.stringify(found.steps)}`;
    }
    results.push(result);
    o.onResult?.(result);
  }

  const of = (source: ConversationResult['source']) => results.filter((r) => r.source === source);
  const all = results.flatMap((r) => r.divergences.filter((d) => !d.consequent));
  const corpusResults = of('corpus');
  const fuzzResults = of('fuzz');
  return {
    schema: 'bootspec.fidelity.v1',
    emulator: { version: emulatorVersion(path), path },
    seed: o.seed,
    fuzzSeconds: o.fuzzSeconds,
    corpus: {
      conversations: corpusResults.length,
      agreeing: corpusResults.filter((r) => r.agrees).length,
      explained: corpusResults.filter((r) => r.explained).length,
      share: corpusResults.length === 0 ? 0 : corpusResults.filter((r) => r.agrees).length / corpusResults.length,
    },
    fuzz: { conversations: fuzzed, agreeing: fuzzResults.filter((r) => r.agrees).length, explained: fuzzResults.filter((r) => r.explained).length, reproducers },
    divergences: {
      total: all.length,
      deliberate: all.filter((d) => d.explanation.kind === 'deliberate').length,
      unlisted: all.filter((d) => d.explanation.kind === 'unlisted').length,
    },
    results,
  };
}

function emulatorVersion(path: string): string {
  try {
    return readFileSync(`${path}.version`, 'utf8').trim();
  } catch {
    return 'unknown';
  }
}
