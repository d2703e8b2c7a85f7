/**
 * Public shapes of the fidelity harness: a conversation (what both servers are sent), the transcript
 * of what one server answered, the divergences between two transcripts and how each is explained.
 */

/** Header fields in wire order, names spelled as sent. */
export type HeaderList = [string, string][];

/** A body: text (latin1 bytes, `{{rid}}` templated), or one string repeated `count` times. */
export type BodySpec = string | { repeat: string; count: number };

/** One HTTP request from the runtime's (or the caller's) side, rendered byte for byte by grammar.ts. */
export interface RequestSpec {
  method: string;
  /** Request target; `{{rid}}` is the request id of the last event this side delivered, `{{rid:enc}}` percent-encoded. */
  path: string;
  headers?: HeaderList;
  body?: BodySpec;
  /** How the body is framed: Content-Length (default when there is a body), chunked, or no framing header. */
  framing?: 'length' | 'chunked' | 'none';
  /** A Content-Length that differs from the body's real size (declared-huge, short). */
  declaredLength?: number;
  /** Chunk size for chunked framing (default: the whole body in one chunk). */
  chunkSize?: number;
  /** Chunked trailer fields. */
  trailers?: HeaderList;
  /** Default HTTP/1.1. */
  version?: 'HTTP/1.1' | 'HTTP/1.0';
  /** Leave out the Host field (added by default, as every client sends it). */
  noHost?: boolean;
}

export type Target = 'runtime' | 'invoke';

export type Step =
  /** A caller's POST on the invoke endpoint, on connection `conn`. `requestId` is sent as X-Amzn-RequestId. */
  | { op: 'invoke'; conn: string; requestId?: string; body?: BodySpec; headers?: HeaderList }
  /** A request from the runtime's side. `send`: the whole request (default), only its head, or its first n bytes. */
  | { op: 'request'; conn: string; request: RequestSpec; send?: 'all' | 'head' | number }
  /** Bytes as they are (latin1, `{{rid}}` templated), for what the grammar cannot say (garbage, odd framing). */
  | { op: 'raw'; conn: string; bytes: string; to?: Target }
  /** The rest of a request that was sent in part. */
  | { op: 'rest'; conn: string }
  /** The client closes the connection (a mid-body disconnect when a body was pending). */
  | { op: 'close'; conn: string }
  /** Waits until `conn` has an answer to each request sent on it (or is closed), at most `maxMs`. */
  | { op: 'await'; conn: string; maxMs?: number }
  /** The runtime process exits with `code` (default 0): its connections go with it. */
  | { op: 'exit'; code?: number };

/** One corpus entry: a conversation both servers are taken through from a fresh start. */
export interface Conversation {
  /** Stable id, never reused (`result.unknown-id.declared-huge`). */
  id: string;
  title: string;
  /** Function timeout in whole seconds for both servers (default 2). */
  timeoutS?: number;
  steps: Step[];
}

/** When an answer arrived, relative to the request it answers. */
export type TimingClass = 'at-once' | 'after-body' | 'never';

/** One answer read from the wire (interim 1xx answers included). */
export interface Answer {
  conn: string;
  target: Target;
  /** Index of the request on its connection this answers (0-based). */
  request: number;
  /** `METHOD path` of that request, with the request id replaced by `{rid}`. */
  requestLine: string;
  status: number;
  reason: string;
  headers: HeaderList;
  body: Buffer;
  /** The step after which it was read. */
  afterStep: number;
  timing: Exclude<TimingClass, 'never'>;
}

/** What one server did with a conversation. */
export interface Transcript {
  server: ServerName;
  answers: Answer[];
  /** Requests that got no answer by the end (timing class `never`). */
  unanswered: { conn: string; target: Target; request: number; requestLine: string }[];
  /** Connections the server closed, and after which step. */
  closedByServer: { conn: string; afterStep: number }[];
  /** Harness notes (e.g. a step skipped because no runtime was up); the same on both sides when all is well. */
  notes: string[];
  /** The server's own process died (the emulator panics on some requests) during this step. */
  crashedAtStep?: number;
}

export type ServerName = 'rie' | 'mock';

/** One difference between the two transcripts of a conversation. */
export interface Divergence {
  conversation: string;
  conn: string;
  target: Target;
  requestLine: string;
  /** 'status', 'reason', 'header:<lower-case name>', 'body', 'timing', 'answered', 'closed', 'note'. */
  field: string;
  rie: string;
  mock: string;
  /** The step window it appeared in; divergences after the first one's window are `consequent`. */
  afterStep: number;
  consequent: boolean;
}

/** How a divergence is explained: a deliberate difference, or nothing (a bug of the mock: it fails the run). */
export type Explanation = { kind: 'deliberate'; id: string } | { kind: 'unlisted' };

/** A pattern over divergences: every given field must match (regular expressions, unanchored). */
export interface DivergenceMatch {
  conversation?: string;
  target?: Target;
  requestLine?: string;
  field?: string;
  rie?: string;
  mock?: string;
}

export interface DeliberateEntry {
  id: string;
  match: DivergenceMatch;
  reason: string;
  /** Public sources (AWS docs, a file of a public repository at a pinned version). */
  evidence: string[];
  /**
   * After this difference the two servers are, by design, in different states (one has reset the
   * runtime, say): what differs in later step windows follows from it and is marked consequent.
   */
  thenDiverges?: boolean;
}

export interface ConversationResult {
  conversation: string;
  title: string;
  source: 'corpus' | 'fuzz';
  divergences: (Divergence & { explanation: Explanation })[];
  /** No divergence at all. */
  agrees: boolean;
  /** Every first-window divergence is listed as deliberate. */
  explained: boolean;
  durationMs: number;
}

/** The `bootspec fidelity` document (also the test's verdict). */
export interface FidelityReport {
  schema: 'bootspec.fidelity.v1';
  emulator: { version: string; path: string };
  seed: number;
  fuzzSeconds: number;
  corpus: { conversations: number; agreeing: number; explained: number; share: number };
  fuzz: { conversations: number; agreeing: number; explained: number; reproducers: string[] };
  divergences: { total: number; deliberate: number; unlisted: number };
  results: ConversationResult[];
}

/** A server under comparison: an invoke endpoint and a Runtime API whose runtime process the conversation plays. */
export interface ServerUnderTest {
  readonly name: ServerName;
  readonly invokePort: number;
  /** How many times a runtime process was started (0 until the first invoke starts one). */
  readonly generation: number;
  /** The current runtime process is up. */
  readonly runtimeAlive: boolean;
  /** Resolves with the Runtime API port once a runtime process is up, or undefined after `ms`. */
  waitForRuntime(ms: number): Promise<number | undefined>;
  /** Makes the current runtime process exit with `code`. */
  exitRuntime(code: number): void;
  /** The server's process exited on its own (a crash): nothing it says afterwards can be compared. */
  readonly crashed?: boolean;
  close(): Promise<void>;
}
