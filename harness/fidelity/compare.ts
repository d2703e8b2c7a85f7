/**
 * Compares two transcripts of one conversation: answers paired by connection and request, then status,
 * reason, each header, body and timing; requests one side never answered; connections one side closed;
 * harness notes. Divergences after the first window of an unexplained one are marked
 * consequent: once the servers disagree, what follows may only echo that.
 */
import { explain, type KnownDivergences } from './known.ts';
import { type NormalAnswer, normaliseAnswer } from './normalise.ts';
import type { ConversationResult, Divergence, Explanation, Transcript } from './types.ts';

type Explained = Divergence & { explanation: Explanation };

export function compareTranscripts(conversation: string, rie: Transcript, mock: Transcript): Divergence[] {
  const out: Divergence[] = [];
  const a = new Map(rie.answers.map((x) => [normaliseAnswer(x).key, normaliseAnswer(x)]));
  const b = new Map(mock.answers.map((x) => [normaliseAnswer(x).key, normaliseAnswer(x)]));
  const add = (base: NormalAnswer, field: string, r: string, m: string, afterStep: number) =>
    out.push({ conversation, conn: base.conn, target: base.target, requestLine: base.requestLine, field, rie: r, mock: m, afterStep, consequent: false });

  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key);
    const y = b.get(key);
    if (!x || !y) {
      const present = (x ?? y) as NormalAnswer;
      const said = `${present.status} ${present.timing}`;
      add(present, 'answered', x ? said : 'no answer', y ? said : 'no answer', present.afterStep);
      continue;
    }
    const at = Math.min(x.afterStep, y.afterStep);
    if (x.status !== y.status) add(x, 'status', x.status, y.status, at);
    else if (x.reason !== y.reason) add(x, 'reason', x.reason, y.reason, at);
    for (const h of new Set([...Object.keys(x.headers), ...Object.keys(y.headers)])) {
      if (x.headers[h] !== y.headers[h]) add(x, `header:${h}`, x.headers[h] ?? '(absent)', y.headers[h] ?? '(absent)', at);
    }
    if (x.body !== y.body) add(x, 'body', x.body, y.body, at);
    if (x.timing !== y.timing) add(x, 'timing', x.timing, y.timing, at);
  }

  const closedR = new Map(rie.closedByServer.map((c) => [c.conn, c.afterStep]));
  const closedM = new Map(mock.closedByServer.map((c) => [c.conn, c.afterStep]));
  for (const conn of new Set([...closedR.keys(), ...closedM.keys()])) {
    const r = closedR.get(conn);
    const m = closedM.get(conn);
    if (r === m) continue;
    const target = [...rie.answers, ...mock.answers].find((x) => x.conn === conn)?.target ?? 'runtime';
    const show = (s: number | undefined) => (s === undefined ? 'open' : `closed (step ${s})`);
    out.push({ conversation, conn, target, requestLine: '(connection)', field: 'closed', rie: show(r), mock: show(m), afterStep: Math.min(r ?? Infinity, m ?? Infinity), consequent: false });
  }

  const notes = (t: Transcript) => new Set(t.notes);
  for (const n of new Set([...rie.notes, ...mock.notes])) {
    if (notes(rie).has(n) && notes(mock).has(n)) continue;
    const step = Number(/^step (\d+)/.exec(n)?.[1] ?? 0);
    out.push({ conversation, conn: '-', target: 'runtime', requestLine: '(harness)', field: 'note', rie: notes(rie).has(n) ? n : '', mock: notes(mock).has(n) ? n : '', afterStep: step, consequent: false });
  }
  return out.sort((p, q) => p.afterStep - q.afterStep || p.conn.localeCompare(q.conn));
}

/** Explains each divergence and marks the consequent ones (see the file comment). */
export function classify(divs: Divergence[], known: KnownDivergences): Explained[] {
  const explained = divs.map((d) => ({ ...d, explanation: explain(d, known) }));
  const diverging = new Set(known.deliberate.filter((e) => e.thenDiverges === true).map((e) => e.id));
  const ends = (e: Explanation) => e.kind !== 'deliberate' || diverging.has(e.id);
  const firstWindow = Math.min(...explained.filter((d) => ends(d.explanation)).map((d) => d.afterStep));
  for (const d of explained) d.consequent = d.explanation.kind !== 'deliberate' && d.afterStep > firstWindow;
  return explained;
}

export function conversationResult(
  c: { id: string; title: string },
  source: ConversationResult['source'],
  divergences: Explained[],
  durationMs: number,
): ConversationResult {
  return {
    conversation: c.id,
    title: c.title,
    source,
    divergences,
    agrees: divergences.length === 0,
    explained: divergences.every((d) => d.consequent || d.explanation.kind !== 'unlisted'),
    durationMs,
  };
}
