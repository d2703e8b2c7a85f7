/** Messages between bootspec bench and its load-client process (node IPC). */

export type LoadRequest =
  | { op: 'latency'; id: number; url: string; payloadBytes: number; probe: boolean; invokes: number; warmup: number; maxMs: number }
  | { op: 'autocannon'; id: number; url: string; payloadBytes: number; probe: boolean; connections: number; seconds: number; maxRequests: number };

export type LoadReply =
  | { op: 'latency'; id: number; samplesNs: number[]; invokes: number; seconds: number; failures: number }
  | { op: 'autocannon'; id: number; requests: number; seconds: number; errors: number; non2xx: number; timeouts: number }
  | { op: 'error'; id: number; message: string };
