/**
 * The streaming floor's client, a process of its own: the least a runtime can do to stream. One
 * keep-alive socket; GET /next, then the response POSTed chunked in streaming mode, the chunks
 * prebuilt and written as fast as the socket takes them; again until the mock goes away. No HTTP
 * library, no handler: what is left of the figures is the mock's intake and loopback.
 * Started with the mock's address as its one argument (host:port).
 */
import { connect, type Socket } from 'node:net';

const [host, port] = (process.argv[2] ?? '').split(':');
const socket: Socket = connect({ host: host ?? '127.0.0.1', port: Number(port) });
socket.setNoDelay(true);
socket.on('error', () => process.exit(0));
socket.on('close', () => process.exit(0));

let buffered: Buffer = Buffer.alloc(0);
let waiting: ((answer: { headers: string; body: Buffer }) => void) | undefined;

socket.on('data', (d: Buffer) => {
  buffered = buffered.length === 0 ? d : Buffer.concat([buffered, d]);
  takeAnswer();
});

/** Hands one whole answer (Content-Length framed, as the mock answers) to the waiter, if any. */
function takeAnswer(): void {
  if (!waiting) return;
  const end = buffered.indexOf('\r\n\r\n');
  if (end < 0) return;
  const headers = buffered.subarray(0, end).toString('latin1');
  const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(headers)?.[1] ?? 0);
  if (buffered.length < end + 4 + length) return;
  const body = buffered.subarray(end + 4, end + 4 + length);
  buffered = buffered.subarray(end + 4 + length);
  const w = waiting;
  waiting = undefined;
  w({ headers, body });
}

function answer(): Promise<{ headers: string; body: Buffer }> {
  return new Promise((resolve) => {
    waiting = resolve;
    takeAnswer();
  });
}

function write(data: Buffer | string): Promise<void> {
  if (socket.write(data)) return Promise.resolve();
  return new Promise((resolve) => socket.once('drain', () => resolve()));
}

const framed = new Map<number, Buffer>();
/** One chunk of `bytes`, with its chunked-encoding frame, built once per size. */
function chunkOf(bytes: number): Buffer {
  let c = framed.get(bytes);
  if (!c) {
    c = Buffer.concat([Buffer.from(`${bytes.toString(16)}\r\n`), Buffer.alloc(bytes, 0x61), Buffer.from('\r\n')]);
    framed.set(bytes, c);
  }
  return c;
}

async function serve(): Promise<void> {
  for (;;) {
    await write('GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: floor\r\n\r\n');
    const next = await answer();
    const id = /\r\nlambda-runtime-aws-request-id:\s*([^\r]+)/i.exec(next.headers)?.[1]?.trim() ?? '';
    const op = JSON.parse(next.body.toString('utf8')) as { chunks?: number; chunkBytes?: number };
    const chunk = chunkOf(op.chunkBytes ?? 1);
    await write(
      `POST /2018-06-01/runtime/invocation/${id}/response HTTP/1.1\r\nHost: floor\r\nContent-Type: application/octet-stream\r\n` +
        'Lambda-Runtime-Function-Response-Mode: streaming\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    for (let i = 0; i < (op.chunks ?? 1); i++) await write(chunk);
    await write('0\r\n\r\n');
    await answer();
  }
}

void serve().catch((err: unknown) => {
  process.stderr.write(`stream floor client: ${(err as Error).message}\n`);
  process.exit(1);
});
