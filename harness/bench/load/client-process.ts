/**
 * The load client, a separate Node process (on the runtime's CPU when pinned) so that driving an
 * invoke endpoint does not share bootspec's event loop: what a user of `bootspec serve` (or of the
 * AWS emulator) sees. Sequential latency with undici (nanosecond clock), throughput with autocannon.
 * Every loop is bounded in count and in time; it only ever talks to 127.0.0.1.
 */
import autocannon from 'autocannon';
import { Client } from 'undici';
import { eventFor } from '../events.ts';
import type { LoadReply, LoadRequest } from './protocol.ts';

function loopbackOnly(url: string): URL {
  const u = new URL(url);
  if (u.hostname !== '127.0.0.1') throw new Error(`the load client only drives 127.0.0.1, not ${u.hostname}`);
  return u;
}

async function latency(r: Extract<LoadRequest, { op: 'latency' }>): Promise<LoadReply> {
  const u = loopbackOnly(r.url);
  const body = eventFor(r.payloadBytes, r.probe);
  const client = new Client(u.origin, { pipelining: 1, bodyTimeout: r.maxMs, headersTimeout: r.maxMs });
  const samplesNs: number[] = [];
  let failures = 0;
  try {
    const once = async (): Promise<void> => {
      const res = await client.request({ path: u.pathname, method: 'POST', body, headers: { 'content-type': 'application/json' } });
      await res.body.arrayBuffer();
      if (res.statusCode !== 200 || res.headers['x-amz-function-error'] !== undefined) failures += 1;
    };
    const t0 = performance.now();
    const end = t0 + r.maxMs;
    for (let i = 0; i < r.warmup && performance.now() < end; i++) await once();
    const m0 = performance.now();
    let last = m0;
    while (samplesNs.length < r.invokes && last < end) {
      const t = performance.now();
      await once();
      last = performance.now();
      samplesNs.push(Math.round((last - t) * 1e6));
    }
    return { op: 'latency', id: r.id, samplesNs, invokes: samplesNs.length, seconds: (last - m0) / 1000, failures };
  } finally {
    await client.close();
  }
}

async function load(r: Extract<LoadRequest, { op: 'autocannon' }>): Promise<LoadReply> {
  loopbackOnly(r.url);
  const result = await autocannon({
    url: r.url,
    method: 'POST',
    body: eventFor(r.payloadBytes, r.probe),
    headers: { 'content-type': 'application/json' },
    connections: r.connections,
    pipelining: 1,
    duration: r.seconds,
    maxOverallRequests: r.maxRequests,
    timeout: 30,
  } as autocannon.Options);
  return {
    op: 'autocannon',
    id: r.id,
    requests: result.requests.total,
    seconds: result.duration,
    errors: result.errors,
    non2xx: result.non2xx,
    timeouts: result.timeouts,
  };
}

process.on('message', (msg: LoadRequest) => {
  const run = msg.op === 'latency' ? latency(msg) : load(msg);
  run.then(
    (reply) => process.send?.(reply),
    (err: unknown) => process.send?.({ op: 'error', id: msg.id, message: (err as Error).message } satisfies LoadReply),
  );
});
process.on('disconnect', () => process.exit(0));
