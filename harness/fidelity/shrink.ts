/**
 * Shrinks a conversation that shows a divergence to a small one that still shows it: drop steps, then
 * drop headers, shorten bodies and plain the framing, one change at a time, keeping each change that
 * keeps the divergence (the same field on the same request line). Bounded by a number of trials.
 */
import { fixConnections } from './fuzz.ts';
import { validateConversation } from './grammar.ts';
import type { BodySpec, Conversation, Divergence, RequestSpec, Step } from './types.ts';

/** What makes two divergences "the same" for shrinking. */
export function signature(d: Pick<Divergence, 'field' | 'requestLine'>): string {
  return `${d.field} @ ${d.requestLine}`;
}

/** True when the candidate still shows the divergence (runs it on both servers). */
export type StillDiverges = (c: Conversation) => Promise<boolean>;

export interface ShrinkResult {
  conversation: Conversation;
  trials: number;
}

export async function shrink(c: Conversation, still: StillDiverges, maxTrials = 40): Promise<ShrinkResult> {
  let best = c;
  let trials = 0;
  const attempt = async (candidate: Conversation): Promise<boolean> => {
    if (trials >= maxTrials) return false;
    try {
      validateConversation(candidate, 'shrink');
    } catch {
      return false;
    }
    trials += 1;
    if (!(await still(candidate))) return false;
    best = candidate;
    return true;
  };

  // Steps, from the last: later steps are the likeliest to be unneeded.
  for (let i = best.steps.length - 1; i >= 0; i--) {
    const steps = fixConnections(best.steps.filter((_, k) => k !== i));
    if (steps.length > 0 && steps.length < best.steps.length) await attempt({ ...best, steps });
  }
  // Then each remaining step, made plainer.
  for (let i = 0; i < best.steps.length; i++) {
    for (let progressed = true; progressed; ) {
      progressed = false;
      for (const plainer of simplerSteps(best.steps[i] as Step)) {
        const steps = best.steps.map((s, k) => (k === i ? plainer : s));
        if (await attempt({ ...best, steps })) {
          progressed = true;
          break;
        }
      }
    }
  }
  return { conversation: best, trials };
}

/** Plainer versions of one step, plainest first. */
export function simplerSteps(s: Step): Step[] {
  if (s.op !== 'request') return [];
  const out: Step[] = [];
  const r = s.request;
  const with_ = (change: Partial<RequestSpec>): Step => ({ ...s, request: { ...r, ...change } });
  if (s.send !== undefined) out.push({ op: 'request', conn: s.conn, request: r });
  for (let h = 0; h < (r.headers?.length ?? 0); h++) out.push(with_({ headers: r.headers?.filter((_, k) => k !== h) ?? [] }));
  if (r.trailers) out.push(with_({ trailers: [] }));
  if (r.framing !== undefined) {
    const { framing: _f, chunkSize: _c, trailers: _t, ...plain } = r;
    out.push({ ...s, request: plain });
  }
  if (r.declaredLength !== undefined) {
    const { declaredLength: _d, ...plain } = r;
    out.push({ ...s, request: plain });
  }
  const smaller = smallerBody(r.body);
  if (smaller !== undefined) out.push(with_({ body: smaller }));
  return out;
}

function smallerBody(b: BodySpec | undefined): BodySpec | undefined {
  if (b === undefined || b === '') return undefined;
  if (typeof b === 'string') return b.length > 4 ? b.slice(0, 4) : '';
  return b.count > 16 ? { repeat: b.repeat, count: Math.floor(b.count / 2) } : '';
}
