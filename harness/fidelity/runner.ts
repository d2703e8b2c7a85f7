/**
 * Takes one server through a conversation and writes down what it answered: every answer with the
 * step after which it arrived, requests never answered, connections the server closed.
 */
import { fill, invokeRequest, rawRequestLine, renderRequest, requestLineOf } from './grammar.ts';
import type { Conversation, ServerUnderTest, Step, Target, Transcript } from './types.ts';
import { RawConnection } from './wire.ts';

export interface RunOptions {
  /** After each step, wait until no byte has arrived for this long (the answers of that step). */
  quietMs?: number;
  /** Longest wait after a step for the server to go quiet. */
  settleMs?: number;
  /** Longest wait for a runtime process before a runtime-side request (it starts inside the first invoke). */
  runtimeWaitMs?: number;
  /** Default bound of an `await` step. */
  awaitMs?: number;
  /** Longest wait after a step that wrote a megabyte or more for its answer (default 30 s). */
  bigSettleMs?: number;
  /** An `await` in a conversation that moved a megabyte body waits this many times longer (default 3). */
  bigAwaitFactor?: number;
}

/** A write this large is timed by the server's reading, not by the harness's quiet spell. */
const BIG_WRITE = 1 << 20;

interface Open {
  raw: RawConnection;
  /** The runtime process this connection belongs to (0 for the caller's side). */
  generation: number;
}

const NEXT_PATH = '/runtime/invocation/next';

export async function runConversation(c: Conversation, server: ServerUnderTest, o: RunOptions = {}): Promise<Transcript> {
  const quietMs = o.quietMs ?? 200;
  const settleMs = o.settleMs ?? 3000;
  const bigSettleMs = o.bigSettleMs ?? 30_000;
  /** The conversation moved a megabyte body: its awaits get `bigAwaitFactor` times longer. */
  let movedBig = false;
  let crashedAtStep: number | undefined;
  const conns = new Map<string, Open>();
  const notes: string[] = [];
  const ctx = { rid: undefined as string | undefined };
  let seen = 0;

  const open = async (name: string, target: Target, step: number): Promise<RawConnection | undefined> => {
    const known = conns.get(name);
    if (known) return known.raw;
    let port = server.invokePort;
    let generation = 0;
    if (target === 'runtime') {
      const p = await server.waitForRuntime(o.runtimeWaitMs ?? 3000);
      if (p === undefined) {
        notes.push(`step ${step}: no runtime process was up to send from`);
        return undefined;
      }
      port = p;
      generation = server.generation;
    }
    const raw = new RawConnection(name, target, port);
    raw.step = step;
    conns.set(name, { raw, generation });
    if (!(await raw.opened)) notes.push(`step ${step}: connection ${name} was refused`);
    return raw;
  };

  /** A dead runtime process's connections go with it, as they would on Lambda. */
  const cutDead = () => {
    for (const { raw, generation } of conns.values()) {
      if (generation !== 0 && (generation !== server.generation || !server.runtimeAlive)) raw.close();
    }
  };

  /** The request id the runtime side last received on /next (templated into later requests). */
  const learnRequestId = () => {
    const all = [...conns.values()].flatMap(({ raw }) => raw.answers);
    all.sort((a, b) => a.afterStep - b.afterStep);
    for (const a of all.slice(seen)) {
      if (a.target !== 'runtime' || a.status !== 200 || !a.requestLine.endsWith(NEXT_PATH)) continue;
      const id = a.headers.find(([n]) => n.toLowerCase() === 'lambda-runtime-aws-request-id')?.[1];
      if (id !== undefined) ctx.rid = id;
    }
    seen = all.length;
  };

  const settle = async () => {
    const start = Date.now();
    const big = [...conns.values()].some(({ raw }) => raw.written >= BIG_WRITE);
    // A megabyte body is read and handled at the server's pace, slow on a loaded machine: its answer
    // (or the server closing) is waited for, not guessed from a quiet spell.
    const end = start + (big ? Math.max(settleMs, bigSettleMs) : settleMs);
    for (;;) {
      // A large body still in our send buffer is not silence: the server is still reading.
      const busy = [...conns.values()].some(({ raw }) => raw.sending || (raw.written >= BIG_WRITE && raw.outstanding > 0 && !raw.closed));
      if (busy && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      const last = Math.max(start, ...[...conns.values()].map(({ raw }) => raw.lastActivity));
      const quiet = big ? Math.max(quietMs, 1000) : quietMs;
      const quietFor = Date.now() - last;
      if (quietFor >= quiet || Date.now() >= end) break;
      await new Promise((r) => setTimeout(r, Math.min(quiet - quietFor, end - Date.now()) + 1));
    }
  };

  for (const [i, step] of c.steps.entries()) {
    cutDead();
    for (const { raw } of conns.values()) {
      raw.step = i;
      raw.written = 0;
    }
    await runStep(step, i);
    if ([...conns.values()].some(({ raw }) => raw.written >= BIG_WRITE)) movedBig = true;
    await settle();
    if (server.crashed && crashedAtStep === undefined) {
      crashedAtStep = i;
      notes.push(`step ${i}: the ${server.name} process crashed`);
    }
    learnRequestId();
  }
  cutDead();
  await settle();

  async function runStep(step: Step, i: number): Promise<void> {
    switch (step.op) {
      case 'invoke': {
        const raw = await open(step.conn, 'invoke', i);
        const w = renderRequest(invokeRequest(step), ctx);
        raw?.send(w.requestLine, Buffer.concat([w.head, w.body]));
        return;
      }
      case 'request': {
        const raw = await open(step.conn, 'runtime', i);
        const w = renderRequest(step.request, ctx);
        const bytes = Buffer.concat([w.head, w.body]);
        const n = step.send === 'head' ? w.head.length : step.send === undefined || step.send === 'all' ? bytes.length : step.send;
        raw?.send(w.requestLine, bytes, n);
        return;
      }
      case 'raw': {
        const raw = await open(step.conn, step.to ?? 'runtime', i);
        const line = rawRequestLine(step.bytes);
        const [method = 'raw', path = ''] = line.split(' ');
        raw?.send(requestLineOf(method, path), Buffer.from(fill(step.bytes, ctx), 'latin1'));
        return;
      }
      case 'rest':
        conns.get(step.conn)?.raw.sendRest();
        return;
      case 'close':
        conns.get(step.conn)?.raw.close();
        return;
      case 'await': {
        const raw = conns.get(step.conn)?.raw;
        const bound = step.maxMs ?? o.awaitMs ?? 5000;
        // The note names the conversation's bound, whatever the slack, so both servers' notes compare.
        if (raw && !(await raw.settled(movedBig ? bound * (o.bigAwaitFactor ?? 3) : bound))) notes.push(`step ${i}: ${step.conn} still waiting after ${bound} ms`);
        return;
      }
      case 'exit': {
        const generation = server.generation;
        server.exitRuntime(step.code ?? 0);
        const end = Date.now() + 2000;
        while (server.generation === generation && server.runtimeAlive && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
        return;
      }
    }
  }

  const answers = [...conns.values()].flatMap(({ raw }) => raw.answers);
  const unanswered = [...conns.values()].flatMap(({ raw }) => {
    const finals = raw.answers.filter((a) => a.status >= 200).length;
    return raw.requests.slice(finals).map((r, k) => ({ conn: raw.name, target: raw.target, request: finals + k, requestLine: r.requestLine }));
  });
  const closedByServer = [...conns.values()].flatMap(({ raw }) => (raw.closedByServer === undefined ? [] : [{ conn: raw.name, afterStep: raw.closedByServer }]));
  for (const { raw } of conns.values()) raw.close();
  return { server: server.name, answers, unanswered, closedByServer, notes, ...(crashedAtStep === undefined ? {} : { crashedAtStep }) };
}
