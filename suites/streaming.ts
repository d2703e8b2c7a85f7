/**
 * Response streaming, for runtimes that claim the `streaming` feature: the probe's streaming handler
 * (docs/probe-contract.md, the `stream` op) invoked as InvokeWithResponseStream invokes it.
 */
import { createHash } from 'node:crypto';
import type { ExchangeRecord, StreamedBody } from '../harness/api/types.ts';
import type { ExecutionEnvironment } from '../harness/invoke/execution-environment.ts';
import type { InvocationRecord } from '../harness/invoke/types.ts';
import { describeOutcome } from '../harness/suite/checks.ts';
import type { EnvironmentSpec, ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';

const BASE = 'streaming.mode-header';
const NO_ERROR_POST = 'streaming.no-error-after-stream';
const MiB = 1024 * 1024;
const HTTP_INTEGRATION = 'application/vnd.awslambda.http-integration-response';

/** The probe's streaming handler: the module of the runtime's handler, export `streaming`. */
function streamingEnvironment(t: ScenarioContext, spec: EnvironmentSpec = {}): Promise<ExecutionEnvironment> {
  const handler = t.manifest.handler;
  const dot = handler.lastIndexOf('.');
  return t.environment({ ...spec, handler: dot === -1 ? handler : `${handler.slice(0, dot)}.streaming` });
}

function streamOf(r: InvocationRecord): StreamedBody | undefined {
  return r.runtimeResult?.kind === 'response' ? r.runtimeResult.stream : undefined;
}

/** Invokes the stream op as a streaming caller does. */
function stream(t: ScenarioContext, env: ExecutionEnvironment, event: Record<string, unknown>, maxBytes?: number): Promise<InvocationRecord> {
  return t.probe(env, { probe: 'stream', ...event }, { responseStream: maxBytes === undefined ? {} : { maxBytes } });
}

/** Precondition: a plain stream of a few chunks arrives (judged by streaming.mode-header). */
async function givenStream(t: ScenarioContext, env: ExecutionEnvironment, event: Record<string, unknown>, maxBytes?: number): Promise<{ r: InvocationRecord; s: StreamedBody }> {
  const r = await stream(t, env, event, maxBytes);
  const s = streamOf(r);
  if (s === undefined) {
    t.precondition({ message: 'the stream op did not stream a response', expected: 'POST …/response with a chunked body', actual: describeOutcome(r), records: [r] }, BASE);
  }
  return { r, s };
}

function errorPostsFor(exchanges: readonly ExchangeRecord[], requestId: string): ExchangeRecord[] {
  return exchanges.filter((x) => x.route === 'error' && x.path.includes(encodeURIComponent(requestId)));
}

const chunkText = (n: number) => Array.from({ length: n }, (_, i) => `chunk ${i}\n`).join('');

export default area('streaming', 'Response streaming', [
  scenario(
    {
      id: 'streaming.mode-header',
      level: 'MUST',
      title: 'Streams with the mode header and a chunked body',
      requirement: 'A streamed response is POSTed to /response with Lambda-Runtime-Function-Response-Mode: streaming and Transfer-Encoding: chunked, and its bytes arrive whole.',
      feature: 'streaming',
    },
    async (t: ScenarioContext) => {
      const env = await streamingEnvironment(t);
      const r = await stream(t, env, { chunks: 3 });
      const s = streamOf(r);
      const body = r.runtimeResult?.kind === 'response' ? r.runtimeResult.payload.toString('utf8') : '';
      t.check(s !== undefined && s.end === 'complete' && body === chunkText(3), {
        message: 'the stream op did not stream its three chunks',
        expected: `a streamed /response of ${JSON.stringify(chunkText(3))}`,
        actual: `${describeOutcome(r)}; body ${JSON.stringify(body.slice(0, 200))}`,
        records: [r],
      });
      t.check(s.mode === 'streaming' && s.transferEncoding?.toLowerCase() === 'chunked', {
        message: 'the streamed response lacks the streaming mode header or the chunked coding',
        expected: 'Lambda-Runtime-Function-Response-Mode: streaming, Transfer-Encoding: chunked',
        actual: `mode ${JSON.stringify(s.mode ?? null)}, Transfer-Encoding ${JSON.stringify(s.transferEncoding ?? null)}`,
        records: [r],
      });
    },
  ),
  scenario(
    {
      id: 'streaming.incremental',
      level: 'SHOULD',
      title: 'Flushes each chunk as it is written',
      requirement: 'Each write of a streaming handler reaches Lambda when it is written: the first chunk arrives before the last one is produced.',
      feature: 'streaming',
    },
    async (t: ScenarioContext) => {
      const env = await streamingEnvironment(t);
      const delayMs = 400;
      const { r, s } = await givenStream(t, env, { chunks: 3, delayMs });
      const first = s.arrivals[0]?.at ?? 0;
      const last = s.arrivals[s.arrivals.length - 1]?.at ?? 0;
      t.check(s.arrivals.length >= 2 && last - first >= delayMs, {
        message: 'the chunks arrived together at the end, not as they were written',
        expected: `three writes ${delayMs} ms apart arriving at least ${delayMs} ms apart`,
        actual: `${s.arrivals.length} arrival(s) over ${Math.round(last - first)} ms: ${s.arrivals.map((a) => `${a.bytes} B at +${Math.round(a.at - first)} ms`).join(', ')}`,
        records: [r],
      });
    },
  ),
  scenario(
    {
      id: 'streaming.no-error-after-stream',
      level: 'MUST',
      title: 'Posts nothing to /error after the first streamed byte',
      requirement: 'A handler that fails after its stream has started reports the failure in the stream, never through /error.',
      feature: 'streaming',
    },
    async (t: ScenarioContext) => {
      const env = await streamingEnvironment(t);
      await givenStream(t, env, { chunks: 1 });
      const failed = await stream(t, env, { chunks: 3, failAfter: 2 });
      // The next invocation's /next ends the failed one, so every post it made is recorded by then.
      await givenStream(t, env, { chunks: 1 });
      if (streamOf(failed) === undefined && failed.runtimeResult?.kind !== 'error') {
        t.precondition({ message: 'the failing stream op neither streamed nor reported an error', expected: 'a streamed /response', actual: describeOutcome(failed), records: [failed] }, BASE);
      }
      // An /error with no /response before it is a failure before the first byte: allowed.
      const streamed = env.exchanges.some((x) => x.route === 'response' && x.path.includes(encodeURIComponent(failed.requestId)));
      const posts = streamed ? errorPostsFor(env.exchanges, failed.requestId) : [];
      t.check(posts.length === 0, {
        message: 'the runtime posted /error after its stream had started',
        expected: 'no POST …/error for the invocation that failed mid-stream',
        actual: posts.map((x) => `POST ${x.path} → ${x.status}`).join('; '),
        records: [failed],
        exchanges: posts,
      });
    },
  ),
  scenario(
    {
      id: 'streaming.error-trailers',
      level: 'MUST',
      title: 'Reports a mid-stream failure in the error trailers',
      requirement: 'A failure after the first byte is sent as the declared trailers Lambda-Runtime-Function-Error-Type and Lambda-Runtime-Function-Error-Body, the body base64 of a JSON error object.',
      feature: 'streaming',
    },
    async (t: ScenarioContext) => {
      const env = await streamingEnvironment(t);
      await givenStream(t, env, { chunks: 1 });
      const r = await stream(t, env, { chunks: 3, failAfter: 2 });
      await givenStream(t, env, { chunks: 1 });
      if (errorPostsFor(env.exchanges, r.requestId).length > 0) {
        t.precondition({ message: 'the failure went to /error after the stream', expected: 'the failure in the trailers', actual: describeOutcome(r), records: [r] }, NO_ERROR_POST);
      }
      const s = streamOf(r);
      if (s === undefined) t.precondition({ message: 'the failing stream did not stream', expected: 'a streamed /response', actual: describeOutcome(r), records: [r] }, BASE);
      const declared = s.declaredTrailers.includes('lambda-runtime-function-error-type') && s.declaredTrailers.includes('lambda-runtime-function-error-body');
      const body = s.error?.body;
      const ok = declared && s.error?.errorType !== undefined && body?.kind === 'json' && typeof body.value === 'object' && body.value !== null;
      t.check(ok, {
        message: 'the mid-stream failure did not arrive as declared error trailers with a base64 JSON body',
        expected: 'Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body; both sent; the body base64 of a JSON object',
        actual: `declared ${JSON.stringify(s.declaredTrailers)}; trailers ${JSON.stringify(s.trailers).slice(0, 300)}; body ${body === undefined ? 'none' : body.kind}`,
        records: [r],
      });
    },
  ),
  scenario(
    {
      id: 'streaming.prelude',
      level: 'SHOULD',
      title: 'Frames an HTTP-integration response with its prelude',
      requirement: 'An HTTP-integration stream has Content-Type application/vnd.awslambda.http-integration-response and starts with the JSON prelude and 8 NUL bytes, within the first 16 KB.',
      feature: 'streaming',
    },
    async (t: ScenarioContext) => {
      const env = await streamingEnvironment(t);
      await givenStream(t, env, { chunks: 1 });
      const prelude = { statusCode: 201, headers: { 'x-bootspec': 'prelude' }, cookies: ['a=1'] };
      const { r, s } = await givenStream(t, env, { chunks: 2, prelude });
      const contentType = r.runtimeResult?.kind === 'response' ? r.runtimeResult.contentType : undefined;
      const got = s.prelude?.kind === 'ok' ? (s.prelude.prelude as { statusCode?: unknown }) : undefined;
      t.check(contentType?.startsWith(HTTP_INTEGRATION) === true && got?.statusCode === 201, {
        message: 'the HTTP-integration prelude was not framed as Lambda reads it',
        expected: `Content-Type ${HTTP_INTEGRATION}; ${JSON.stringify(prelude)} then 8 NUL bytes`,
        actual: `Content-Type ${JSON.stringify(contentType ?? null)}; prelude ${JSON.stringify(s.prelude ?? null).slice(0, 300)}`,
        records: [r],
      });
    },
  ),
  scenario(
    {
      id: 'streaming.size-limit',
      level: 'SHOULD',
      title: 'Survives a stream cut off at the size limit',
      requirement: 'When Lambda stops reading a stream at its size limit (413, connection closed), the runtime goes back to /next in the same process.',
      feature: 'streaming',
      timeoutMs: 60_000,
    },
    async (t: ScenarioContext) => {
      const env = await streamingEnvironment(t, { timeoutS: 20 });
      await givenStream(t, env, { chunks: 1 });
      const limit = MiB;
      // 4 MiB against a 1 MiB limit: the mock's limit stands in for Lambda's 200 MB.
      const cut = await stream(t, env, { chunks: 16, chunkBytes: 256 * 1024 }, limit);
      const s = streamOf(cut);
      if (s?.end !== 'oversized') {
        t.precondition({ message: 'the stream did not reach the limit', expected: `a stream cut at ${limit} bytes`, actual: describeOutcome(cut), records: [cut] }, BASE);
      }
      const after = await stream(t, env, { chunks: 1 });
      t.check(streamOf(after)?.end === 'complete' && after.generation === cut.generation, {
        message: 'the runtime did not serve the next invocation in the same process after its stream was cut off',
        expected: 'the next stream served by the same runtime process',
        actual: `${describeOutcome(after)} (generation ${after.generation}, was ${cut.generation})`,
        records: [cut, after],
      });
    },
  ),
  scenario(
    {
      id: 'streaming.large',
      level: 'MUST',
      title: 'Streams 8 MiB whole, past the synchronous limit',
      requirement: 'A streamed response larger than the 6 MB buffered limit arrives whole, byte for byte, under the bandwidth rule.',
      feature: 'streaming',
      timeoutMs: 60_000,
    },
    async (t: ScenarioContext) => {
      const env = await streamingEnvironment(t, { timeoutS: 30 });
      await givenStream(t, env, { chunks: 1 });
      const chunks = 32;
      const chunkBytes = 256 * 1024;
      const want = createHash('sha256');
      for (let i = 0; i < chunks; i++) want.update(Buffer.alloc(chunkBytes, 0x61 + (i % 26)));
      const wantHash = want.digest('hex');
      const r = await stream(t, env, { chunks, chunkBytes });
      const s = streamOf(r);
      t.check(s !== undefined && s.end === 'complete' && s.size === chunks * chunkBytes && s.sha256 === wantHash && r.outcome === 'success', {
        message: 'the large stream did not arrive whole',
        expected: `${chunks * chunkBytes} bytes, sha256 ${wantHash}`,
        actual: s === undefined ? describeOutcome(r) : `${s.size} bytes (${s.end}), sha256 ${s.sha256}; ${describeOutcome(r)}`,
        records: [r],
      });
      t.note(`held back ${Math.round(s.shapedMs)} ms by the bandwidth rule (6 MiB burst, then 2 MiB/s)`);
    },
  ),
]);
