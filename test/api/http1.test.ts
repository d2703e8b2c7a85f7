import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChunkedDecoder, LengthDecoder, type BodySink } from '../../harness/api/http1/body.ts';
import { MAX_HEAD_BYTES } from '../../harness/api/http1/connection.ts';
import { parseHead } from '../../harness/api/http1/head.ts';
import { Http1Server } from '../../harness/api/http1/server.ts';
import { RawClient } from './raw-client.ts';

/** The mock's HTTP/1.1 transport, spoken to byte by byte as a runtime client would. */

let server: Http1Server;
let abandoned = 0;
const bodies: string[] = [];

beforeAll(async () => {
  server = await Http1Server.listen('127.0.0.1', 0, (req, res) => {
    if (req.url === '/park') {
      res.onAbandoned(() => {
        abandoned += 1;
      });
      return;
    }
    // Answered without reading the body, as RAPID answers a post for an unknown request id.
    if (req.url === '/refuse') {
      res.send(400, [], 'no');
      return;
    }
    if (req.url === '/echo') {
      req.onBody(1_000_000, (b) => res.send(200, ['Content-Type', 'application/octet-stream'], b.kind === 'ok' ? b.body : ''));
      return;
    }
    const reading = req.readBody(Number(req.headers['x-limit'] ?? 1_000_000));
    void reading.then((b) => {
      bodies.push(b.kind);
      res.send(200, ['Content-Type', 'application/json'], JSON.stringify({
        method: req.method,
        url: req.url,
        version: req.httpVersion,
        headers: req.headers,
        body: b.kind,
        size: b.size,
        text: b.kind === 'ok' ? b.body.toString('utf8') : undefined,
        trailers: b.kind === 'ok' ? b.trailers : undefined,
      }));
    });
  }, 'choose another port');
});
afterAll(() => server.close());

describe('requests', () => {
  it('reads a head and a Content-Length body split across many writes', async () => {
    const c = await RawClient.open(server.port);
    const raw = 'POST /a?b=1 HTTP/1.1\r\nHost: x\r\nX-Two: 1\r\nx-two: 2\r\nContent-Length: 11\r\n\r\nhello world';
    for (const piece of raw.match(/.{1,7}/gs) ?? []) await c.write(piece);
    const j = await c.json();
    expect(j).toMatchObject({ method: 'POST', url: '/a?b=1', version: '1.1', body: 'ok', size: 11, text: 'hello world' });
    expect((j.headers as Record<string, string>)['x-two']).toBe('1, 2');
    c.close();
  });

  it('reads a large Content-Length body byte for byte', async () => {
    const c = await RawClient.open(server.port);
    const body = Buffer.from(Array.from({ length: 200_000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join(''));
    await c.write(`POST /large HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n`);
    for (let at = 0; at < body.length; at += 70_001) await c.write(body.subarray(at, at + 70_001));
    const j = await c.json();
    expect(j).toMatchObject({ body: 'ok', size: body.length });
    expect(j.text).toBe(body.toString());
    c.close();
  });

  it('decodes a chunked body with extensions and trailers', async () => {
    const c = await RawClient.open(server.port);
    await c.write('POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n');
    await c.write('1\r\n \r\n5\r\nworld\r\n0\r\nLambda-Runtime-Function-Error-Type: E.x\r\n\r\n');
    const j = await c.json();
    expect(j).toMatchObject({ body: 'ok', size: 11, text: 'hello world', trailers: { 'lambda-runtime-function-error-type': 'E.x' } });
    c.close();
  });

  it('keeps the connection alive and answers pipelined requests in order', async () => {
    const c = await RawClient.open(server.port);
    await c.write('GET /1 HTTP/1.1\r\nHost: x\r\n\r\nPOST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /3 HTTP/1.1\r\nHost: x\r\n\r\n');
    const urls = [(await c.json()).url, (await c.json()).url, (await c.json()).url];
    expect(urls).toEqual(['/1', '/2', '/3']);
    await c.write('GET /4 HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await c.json()).url).toBe('/4');
    expect(c.closed).toBe(false);
    c.close();
  });

  it('answers Expect: 100-continue before the body', async () => {
    const c = await RawClient.open(server.port);
    await c.write('POST /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n');
    expect((await c.answer()).status).toBe(100);
    await c.write('{}');
    expect(await c.json()).toMatchObject({ text: '{}' });
    c.close();
  });

  it('sends no 100 to a request answered without reading its body, and closes (Go)', async () => {
    const c = await RawClient.open(server.port);
    await c.write('POST /refuse HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n');
    const a = await c.answer();
    expect(a.status).toBe(400);
    expect(a.headers.connection).toBe('close');
    // Go still reads the (small) body the client owes before it closes.
    await c.write('{}');
    await c.whenClosed();
  });

  it('closes rather than drain an unread body of 256 KB or more, and drains a smaller one (Go)', async () => {
    const big = await RawClient.open(server.port);
    await big.write(`POST /refuse HTTP/1.1\r\nHost: x\r\nContent-Length: ${256 * 1024}\r\n\r\n`);
    const a = await big.answer();
    expect(a.status).toBe(400);
    expect(a.headers.connection).toBe('close');
    await big.whenClosed();
    const small = await RawClient.open(server.port);
    await small.write('POST /refuse HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nab');
    // The answer waits for the unread body, as Go drains it before writing its answer.
    await new Promise((r) => setTimeout(r, 50));
    expect(small.socket.bytesRead).toBe(0);
    await small.write('cGET /x HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await small.answer()).headers.connection).toBeUndefined();
    expect((await small.json()).url).toBe('/x');
    small.close();
  });

  it('drains at most 256 KB of an unread chunked body: past that it answers and closes (Go)', async () => {
    const c = await RawClient.open(server.port);
    await c.write('POST /refuse HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
    const chunk = `${(64 * 1024).toString(16)}\r\n${'x'.repeat(64 * 1024)}\r\n`;
    for (let i = 0; i < 4; i++) await c.write(chunk);
    expect(c.socket.bytesRead).toBe(0);
    await c.write('1\r\nx\r\n');
    const a = await c.answer();
    expect(a.status).toBe(400);
    expect(a.headers.connection).toBe('close');
    await c.whenClosed();
  });

  it('closes after the answer for HTTP/1.0 and for Connection: close', async () => {
    // Go answers HTTP/1.0 in HTTP/1.0 and closes without a Connection header; HTTP/1.1 says close.
    for (const [req, line, connection] of [
      ['GET /x HTTP/1.0\r\n\r\n', 'HTTP/1.0 200 OK', undefined],
      ['GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 'HTTP/1.1 200 OK', 'close'],
    ] as const) {
      const c = await RawClient.open(server.port);
      await c.write(req);
      const a = await c.answer();
      expect(a.head.split('\r\n')[0]).toBe(line);
      expect(a.headers.connection).toBe(connection);
      await c.whenClosed();
    }
  });

  it('keeps an HTTP/1.0 keep-alive connection open and says so, as Go does', async () => {
    const c = await RawClient.open(server.port);
    await c.write('GET /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    expect((await c.answer()).headers.connection).toBe('keep-alive');
    await c.write('GET /y HTTP/1.0\r\n\r\n');
    expect((await c.answer()).status).toBe(200);
    await c.whenClosed();
  });

  it('reduces an absolute-form target to its path', async () => {
    const c = await RawClient.open(server.port);
    await c.write('GET http://127.0.0.1:9001/2018-06-01/ping HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await c.json()).url).toBe('/2018-06-01/ping');
    c.close();
  });

  it('writes every byte value of a Buffer body as it is, small (one string write) or large', async () => {
    const c = await RawClient.open(server.port);
    for (const size of [256, 8192, 8193, 100_000]) {
      const body = Buffer.alloc(size);
      for (let i = 0; i < size; i++) body[i] = (i * 7) % 256;
      await c.write(Buffer.concat([Buffer.from(`POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: ${size}\r\n\r\n`), body]));
      const a = await c.answerBytes();
      expect(a.status).toBe(200);
      expect(a.body.equals(body)).toBe(true);
    }
    c.close();
  });

  it('sends no body to HEAD but keeps Content-Length', async () => {
    const c = await RawClient.open(server.port);
    await c.write('HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n');
    const head = await c.answer(true);
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
    // The transport dropped the HEAD body, so the next answer starts right after the head.
    const raw = await c.answer();
    expect(raw.status).toBe(200);
    expect(JSON.parse(raw.body).url).toBe('/after');
    c.close();
  });
});

describe('bodies that do not end well', () => {
  it('reads a body over the limit to its end, keeps none of it, and answers', async () => {
    const c = await RawClient.open(server.port);
    const big = Buffer.alloc(3 * 1024 * 1024, 120);
    await c.write(`POST /big HTTP/1.1\r\nHost: x\r\nX-Limit: 1000\r\nContent-Length: ${big.length}\r\n\r\n`);
    await c.write(big);
    expect(await c.json()).toMatchObject({ body: 'too-large', size: big.length });
    c.close();
  });

  it('reports a body cut off by the client as truncated', async () => {
    const before = bodies.length;
    const c = await RawClient.open(server.port);
    await c.write('POST /cut HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly this');
    c.close();
    await waitFor(() => bodies.length > before);
    expect(bodies.at(-1)).toBe('truncated');
  });

  it('reports broken chunk framing as truncated and closes after the answer', async () => {
    const c = await RawClient.open(server.port);
    await c.write('POST /bad HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX');
    expect(await c.json()).toMatchObject({ body: 'truncated' });
    await c.whenClosed();
  });

  it('calls back when the client leaves a request unanswered', async () => {
    const before = abandoned;
    const c = await RawClient.open(server.port);
    await c.write('GET /park HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((r) => setImmediate(r));
    c.close();
    await waitFor(() => abandoned > before);
    expect(abandoned).toBe(before + 1);
  });
});

describe('listening', () => {
  it('names a port in use with the caller’s hint', async () => {
    const second = Http1Server.listen('127.0.0.1', server.port, () => {}, 'choose another port');
    await expect(second).rejects.toMatchObject({ code: 'BOOTSPEC_ERR_PORT_IN_USE', hint: 'choose another port' });
  });
});

describe('requests that cannot be read', () => {
  const cases: [string, string, number][] = [
    ['a malformed request line', 'GARBAGE\r\n\r\n', 400],
    ['a space in a header name', 'GET / HTTP/1.1\r\nHost: x\r\nBad Name: x\r\n\r\n', 400],
    ['a folded header line', 'GET / HTTP/1.1\r\nHost: x\r\nA: b\r\n  c\r\n\r\n', 400],
    ['both Content-Length and Transfer-Encoding', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n', 400],
    ['conflicting Content-Length values', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', 400],
    ['a negative Content-Length', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n', 400],
    ['a transfer coding other than chunked', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n', 501],
    ['an unknown HTTP version', 'GET / HTTP/2.0\r\n\r\n', 505],
    ['an Expect other than 100-continue', 'POST / HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\nx', 417],
    ['an HTTP/1.1 request without Host', 'GET / HTTP/1.1\r\n\r\n', 400],
    ['a malformed percent escape in the path', 'GET /a%zz/b HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['two Host fields', 'GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n', 400],
  ];
  for (const [what, raw, status] of cases) {
    it(`answers ${status} to ${what} and closes`, async () => {
      const c = await RawClient.open(server.port);
      await c.write(raw);
      const a = await c.answer();
      expect(a.status).toBe(status);
      expect(a.headers.connection).toBe('close');
      await c.whenClosed();
    });
  }

  // net/http server.go, (*conn).serve: the exact status lines and bodies Go writes.
  const goTexts: [string, string, string][] = [
    ['GARBAGE\r\n\r\n', 'HTTP/1.1 400 Bad Request', '400 Bad Request'],
    ['GET / HTTP/1.1\r\n\r\n', 'HTTP/1.1 400 Bad Request: missing required Host header', '400 Bad Request: missing required Host header'],
    ['GET / HTTP/2.0\r\nHost: x\r\n\r\n', 'HTTP/1.1 505 HTTP Version Not Supported: unsupported protocol version', '505 HTTP Version Not Supported: unsupported protocol version'],
    ['POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n', 'HTTP/1.1 501 Not Implemented', 'Unsupported transfer encoding'],
    ['POST / HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\nx', 'HTTP/1.1 417 Expectation Failed', ''],
  ];
  for (const [raw, line, body] of goTexts) {
    it(`writes Go's own answer: ${line}`, async () => {
      const c = await RawClient.open(server.port);
      await c.write(raw);
      const a = await c.answer();
      expect(a.head.split('\r\n')[0]).toBe(line);
      expect(a.body).toBe(body);
    });
  }

  it('accepts any HTTP/1.x version, as Go does', async () => {
    const c = await RawClient.open(server.port);
    await c.write('GET /x HTTP/1.2\r\nHost: x\r\n\r\n');
    expect((await c.answer()).status).toBe(200);
    c.close();
  });

  it('checks a field value every time, even one whose field had a good value before', async () => {
    for (const value of ['plain', 'pla\x01in', 'pla\nin', 'pla\rin', 'pla\x7fin']) {
      const c = await RawClient.open(server.port);
      await c.write(`GET / HTTP/1.1\r\nHost: x\r\nX-Same: ${value}\r\n\r\n`);
      expect((await c.answer()).status).toBe(value === 'plain' ? 200 : 400);
      c.close();
    }
  });

  it('answers 431 to a head over Go’s limit', async () => {
    const c = await RawClient.open(server.port);
    await c.write(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(MAX_HEAD_BYTES)}`);
    expect((await c.answer()).status).toBe(431);
    await c.whenClosed();
  });
});

describe('decoders', () => {
  function collect(): BodySink & { out: Buffer[]; ended: Record<string, string> | undefined; failed: boolean } {
    const s = {
      out: [] as Buffer[],
      ended: undefined as Record<string, string> | undefined,
      failed: false,
      data: (b: Buffer) => void s.out.push(Buffer.from(b)),
      end: (t: Record<string, string>) => {
        s.ended = t;
      },
      fail: () => {
        s.failed = true;
      },
    };
    return s;
  }

  it('decode the same chunked body whatever the split points', () => {
    const wire = Buffer.from('3\r\nabc\r\nA;x=y\r\n0123456789\r\n0\r\nT: v\r\n\r\nNEXT');
    for (let a = 0; a <= wire.length; a++) {
      const d = new ChunkedDecoder();
      const sink = collect();
      let used = d.push(wire.subarray(0, a), sink);
      if (!d.done) used += d.push(wire.subarray(a), sink);
      expect(Buffer.concat(sink.out).toString()).toBe('abc0123456789');
      expect(sink.ended).toEqual({ t: 'v' });
      expect(wire.subarray(used).toString()).toBe('NEXT');
    }
  });

  it('refuse malformed chunk sizes and missing CRLFs', () => {
    for (const bad of ['zz\r\n', '5\r\nhelloX', '3\nabc\r\n', `${'f'.repeat(20)}\r\n`]) {
      expect(new ChunkedDecoder().push(Buffer.from(bad), collect())).toBe(-1);
    }
  });

  it('stop a Content-Length body at its length', () => {
    const d = new LengthDecoder(3);
    const sink = collect();
    expect(d.push(Buffer.from('abcdef'), sink)).toBe(3);
    expect(d.done).toBe(true);
    expect(sink.ended).toEqual({});
  });

  it('parse a head with leading empty lines and optional whitespace', () => {
    const p = parseHead('\r\nGET /x HTTP/1.1\r\nHost: x\r\nA:\t v \r\nB:');
    expect(p).toMatchObject({ ok: true, head: { url: '/x', headers: { a: 'v', b: '' } }, keepAlive: true });
  });
});

async function waitFor(cond: () => boolean): Promise<void> {
  const end = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met within 5 s');
    await new Promise((r) => setTimeout(r, 5));
  }
}
