/** The events of each payload size, and their names. */

export const DEFAULT_PAYLOADS = [0, 1024, 64 * 1024, 1024 * 1024, 6 * 1024 * 1024];

export function payloadLabel(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} B`;
}

/** "0", "1k", "64KB", "1m", "6MB" -> bytes (KB and MB are 1024-based, as Lambda's 6 MB limit is). */
export function parsePayload(text: string): number | undefined {
  const m = /^(\d+)\s*(b|k|kb|m|mb)?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase();
  const scale = unit.startsWith('m') ? 1024 * 1024 : unit.startsWith('k') ? 1024 : 1;
  return Number(m[1]) * scale;
}

const ECHO_HEAD = '{"probe":"echo","value":"';
const ECHO_TAIL = '"}';
const MINIMAL_ECHO = '{"probe":"echo"}';

/**
 * The event of a payload size. Every size at or above a minimal echo event is a probe `echo` event
 * padded to exactly that many bytes, so probe runtimes (docs/probe-contract.md) answer it and null runtimes see
 * the same bytes; below that, a null runtime gets exactly `bytes` bytes and a probe runtime the
 * smallest echo event (its real size is recorded as eventBytes).
 */
export function eventFor(bytes: number, probe: boolean): Buffer {
  const overhead = ECHO_HEAD.length + ECHO_TAIL.length;
  if (bytes >= overhead) return Buffer.from(`${ECHO_HEAD}${'x'.repeat(bytes - overhead)}${ECHO_TAIL}`);
  if (probe) return Buffer.from(MINIMAL_ECHO);
  return Buffer.alloc(bytes, 'x');
}
