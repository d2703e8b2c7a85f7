/**
 * Micro-benchmarks of the mock's hot path (tinybench), so that a slower invoke loop can be traced to
 * its cause: header rendering, request head parsing, request routing, record keeping, the request each invoke builds, and
 * the benchmark's own per-invoke bookkeeping. `npm run bench:micro` (add --json F to save the table).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Bench } from 'tinybench';
import { Exchange } from '../../harness/api/exchange.ts';
import { parseHead } from '../../harness/api/http1/head.ts';
import type { Http1Request, Http1Response } from '../../harness/api/http1/types.ts';
import { ExchangeLog } from '../../harness/api/recorder.ts';
import { matchRoute } from '../../harness/api/router.ts';
import { renderInvokeHeaders } from '../../harness/api/render-headers.ts';
import { LatencyRecorder } from '../../harness/bench/samples.ts';
import { defaultFunctionConfig } from '../../harness/environment/env.ts';
import type { RuntimeManifest } from '../../harness/environment/types.ts';
import { endLine, reportLine, startLine } from '../../harness/invoke/platform-lines.ts';
import { buildRequest } from '../../harness/invoke/request.ts';

const { values } = parseArgs({ options: { json: { type: 'string' }, time: { type: 'string', default: '400' } } });

const manifest = { name: 'null-c', handler: 'null', env: {}, description: '' } as unknown as RuntimeManifest;
const config = defaultFunctionConfig(manifest);
const event = Buffer.from('{"probe":"echo","value":"x"}');
const request = buildRequest({ event }, config, true);
request.deadlineMs = Date.now() + 3000;
const id = request.requestId;
const postHeaders = {
  host: '127.0.0.1:9001',
  'user-agent': 'aws-lambda-go/go1.26',
  'content-type': 'application/octet-stream',
  'content-length': '28',
  'lambda-runtime-invocation-id': request.invocationId ?? '',
};

const postHead = [
  `POST /2018-06-01/runtime/invocation/${id}/response HTTP/1.1`,
  ...Object.entries(postHeaders).map(([k, v]) => `${k}: ${v}`),
].join('\r\n');

// Enough of the transport's request and response for an Exchange to answer into.
const fakeReq = { method: 'POST', url: `/2018-06-01/runtime/invocation/${id}/response`, httpVersion: '1.1', headers: postHeaders } as unknown as Http1Request;
function fakeRes(): Http1Response {
  return { statusCode: 202, answered: false, closed: false, send() {}, sendAndClose() {}, startChunked() {}, destroy() {}, onAbandoned() {} } as unknown as Http1Response;
}
const probe = { state: 'Running', currentRequestId: id, generation: 1 };
const logOff = new ExchangeLog(false);
const logOn = new ExchangeLog(true);
const recorder = new LatencyRecorder();
let stored = 0;

const bench = new Bench({ time: Number(values.time), warmupTime: 100 });
bench
  .add('render /next headers', () => {
    renderInvokeHeaders(request);
  })
  .add('route GET /next', () => {
    matchRoute('GET', '/2018-06-01/runtime/invocation/next');
  })
  .add('route POST /{id}/response', () => {
    matchRoute('POST', `/2018-06-01/runtime/invocation/${id}/response`);
  })
  .add('exchange answer, recording off', () => {
    new Exchange(logOff, probe, fakeReq, fakeRes(), 'response').sendJson(202, { status: 'OK' });
  })
  .add('exchange answer, recording on (record keeping)', () => {
    new Exchange(logOn, probe, fakeReq, fakeRes(), 'response').sendJson(202, { status: 'OK' });
  })
  .add('parse a POST /{id}/response head', () => {
    parseHead(postHead);
  })
  .add('build an invocation request (ids, trace id)', () => {
    buildRequest({ event }, config, true);
  })
  .add('platform lines START/END/REPORT', () => {
    startLine(id, '$LATEST');
    endLine(id);
    reportLine({ requestId: id, durationMs: 0.05, billedMs: 1, memorySizeMb: 128, maxMemoryUsedMb: undefined, initDurationMs: undefined, status: undefined, errorType: undefined });
  })
  .add('bench bookkeeping: store one sample, binned 1,000 at a time', () => {
    recorder.recordNs(41_234);
    stored += 1;
    // the loop only stores; reading bins what was stored (amortised here as after a block)
    if (stored === 1000) {
      stored = 0;
      recorder.blocks;
    }
  });

await bench.run();
const rows = bench.tasks.map((t) => {
  const r = t.result;
  if (r.state !== 'completed') return { task: t.name, state: r.state };
  return {
    task: t.name,
    'mean ns': Math.round(r.latency.mean * 1e6),
    'p50 ns': Math.round((r.latency.p50 ?? r.latency.mean) * 1e6),
    'p99 ns': Math.round((r.latency.p99 ?? r.latency.mean) * 1e6),
    'rme %': Number(r.latency.rme.toFixed(2)),
    samples: r.latency.samplesCount,
  };
});
console.table(rows);
if (values.json) writeFileSync(values.json, `${JSON.stringify({ node: process.version, rows }, null, 2)}\n`);
