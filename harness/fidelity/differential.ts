/**
 * One differential run: a conversation taken through a fresh emulator and a fresh mock side by side,
 * their transcripts compared and every divergence explained (or not) by the two lists.
 */
import { classify, compareTranscripts, conversationResult } from './compare.ts';
import type { KnownDivergences } from './known.ts';
import { type RunOptions, runConversation } from './runner.ts';
import { MockServer } from './servers/mock.ts';
import { RieServer } from './servers/rie.ts';
import type { Conversation, ConversationResult, ServerUnderTest, Transcript } from './types.ts';

export interface DifferentialOptions extends RunOptions {
  known: KnownDivergences;
}

export interface DifferentialRun {
  result: ConversationResult;
  rie: Transcript;
  mock: Transcript;
}

/** Both servers start fresh for every conversation: the emulator inits once per process. */
export async function runDifferential(c: Conversation, source: ConversationResult['source'], o: DifferentialOptions): Promise<DifferentialRun> {
  const t0 = Date.now();
  const timeoutS = c.timeoutS ?? 2;
  const servers: ServerUnderTest[] = [];
  try {
    const [rieServer, mockServer] = await Promise.all([RieServer.start({ timeoutS }), MockServer.start({ timeoutS })]);
    servers.push(rieServer, mockServer);
    const [rie, mock] = await Promise.all([runConversation(c, rieServer, o), runConversation(c, mockServer, o)]);
    const divergences = classify(compareTranscripts(c.id, rie, mock), o.known);
    // A crashed emulator answers nothing more: from its crash on, only the crash itself is compared.
    const crash = rie.crashedAtStep;
    if (crash !== undefined) for (const d of divergences) if (d.afterStep >= crash && d.field !== 'note') d.consequent = true;
    return { result: conversationResult(c, source, divergences, Date.now() - t0), rie, mock };
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
}
