/** Public shapes of the mock's HTTP/1.1 transport: one request and the answer written to it. */

/** A request line and header block as read from the wire. */
export interface RequestHead {
  method: string;
  /** The request target as sent (origin form; an absolute-form target is reduced to its path). */
  url: string;
  httpVersion: '1.0' | '1.1';
  /** Lower-case names; repeated fields joined with ", " (Content-Type and Content-Length keep the first). */
  headers: Record<string, string>;
}

export type BodyResult =
  /** The whole body, within the limit. */
  | { kind: 'ok'; body: Buffer; size: number; trailers: Record<string, string> }
  /** More than `limit` bytes arrived; none were kept, all were read so the client can read the answer. */
  | { kind: 'too-large'; size: number }
  /** The client went away (or broke the chunked framing) before the body ended. */
  | { kind: 'truncated'; size: number };

export interface Http1Request extends RequestHead {
  /**
   * Reads the body, holding at most `limit` bytes. Must be called in the request callback itself,
   * at most once; a body nobody asked for is read and dropped.
   */
  readBody(limit: number): Promise<BodyResult>;
  /**
   * readBody with a callback, called as soon as the body ends: in the same turn as its last bytes, or
   * before the request callback's caller goes on when the body was already whole. No promise, no
   * microtask: the mock's result handler runs per invoke.
   */
  onBody(limit: number, done: (body: BodyResult) => void): void;
  /**
   * Hands the body to `sink` piece by piece as it arrives, instead of collecting it (a streamed
   * result). Same rule as readBody: in the request callback, at most once.
   */
  onStream(sink: BodyStreamSink): void;
  /** Stops reading from the connection (the peer's writes back up), until resume(). */
  pause(): void;
  resume(): void;
}

/** Receives a body as it arrives: pieces of it, then its end with the trailer fields (lower-case names). */
export interface BodyStreamSink {
  data(piece: Buffer): void;
  end(trailers: Record<string, string>): void;
  /** The body did not end: the connection went away or the framing was broken. */
  fail(): void;
}

export interface Http1Response {
  /** The status written, 0 until then. */
  readonly statusCode: number;
  readonly answered: boolean;
  /** The connection is gone (closed by either side, or destroyed). */
  readonly closed: boolean;
  /** Writes status, header name/value pairs (case kept), Date, Content-Length and the body. */
  send(status: number, headers: readonly string[], body: Buffer | string): void;
  /** Cuts the connection without an answer. */
  destroy(): void;
  /**
   * Like send, then closes the connection once the answer is written, without reading the rest of
   * the request body (Go's server does this when a handler answers before an unread body ends).
   */
  sendAndClose(status: number, headers: readonly string[], body: Buffer | string): void;
  /**
   * Starts an answer whose body follows piece by piece in the chunked coding (instead of send), with
   * `trailerNames` declared in a Trailer header. The exchange ends at the body's end().
   */
  startChunked(status: number, headers: readonly string[], trailerNames?: readonly string[]): Http1ChunkedBody;
  /** Called (each callback once) if the connection goes away before this request was answered. */
  onAbandoned(callback: () => void): void;
}

export type RequestListener = (req: Http1Request, res: Http1Response) => void;

/** The body of a chunked answer, written as it is produced. */
export interface Http1ChunkedBody {
  /** One chunk (an empty one is skipped: it would end the body). */
  write(data: Buffer | string): void;
  /** The last chunk, then the trailer fields as name/value pairs. */
  end(trailers?: readonly string[]): void;
}
