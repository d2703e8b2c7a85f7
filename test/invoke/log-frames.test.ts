import { describe, expect, it } from 'vitest';
import { encodeFrame, type FrameError, frameType, type LogFrame, LogFrameDecoder } from '../../harness/invoke/log-frames.ts';

function decode(...chunks: Buffer[]): { frames: LogFrame[]; errors: FrameError[]; decoder: LogFrameDecoder } {
  const frames: LogFrame[] = [];
  const errors: FrameError[] = [];
  const decoder = new LogFrameDecoder((f) => frames.push(f), (e) => errors.push(e));
  for (const c of chunks) decoder.push(c, 1);
  return { frames, errors, decoder };
}

describe('log frames', () => {
  it('gives the documented type per format and level', () => {
    expect(frameType('text', undefined)).toBe(0xa55a0003);
    expect(frameType('json', undefined)).toBe(0xa55a0002);
    expect(frameType('text', 'TRACE')).toBe(0xa55a0007);
    expect(frameType('text', 'INFO')).toBe(0xa55a000f);
    expect(frameType('json', 'WARN')).toBe(0xa55a0012);
    expect(frameType('text', 'ERROR')).toBe(0xa55a0017);
    expect(frameType('json', 'FATAL')).toBe(0xa55a001a);
  });

  it('decodes frames split anywhere across chunks, a multi-line message as one record', () => {
    const bytes = Buffer.concat([encodeFrame('text', 'INFO', 'line one\nline two', 1_700_000_000_000_001n), encodeFrame('json', 'ERROR', '{"level":"ERROR"}', 2n)]);
    const { frames, errors } = decode(bytes.subarray(0, 5), bytes.subarray(5, 23), bytes.subarray(23));
    expect(errors).toEqual([]);
    expect(frames.map((f) => [f.format, f.level, f.message, f.timestampUs])).toEqual([
      ['text', 'INFO', 'line one\nline two', 1_700_000_000_000_001n],
      ['json', 'ERROR', '{"level":"ERROR"}', 2n],
    ]);
  });

  it('keeps UTF-8 split between chunks whole', () => {
    const bytes = encodeFrame('text', undefined, 'héllo ✓', 0n);
    const { frames } = decode(bytes.subarray(0, 18), bytes.subarray(18));
    expect(frames[0]?.message).toBe('héllo ✓');
    expect(frames[0]?.level).toBeUndefined();
  });

  it('stops at bytes that are not a frame and says where', () => {
    const good = encodeFrame('text', 'INFO', 'ok', 0n);
    const { frames, errors, decoder } = decode(Buffer.concat([good, Buffer.from('plain text written to the fd\n')]));
    expect(frames).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.offset).toBe(good.length);
    expect(errors[0]?.reason).toMatch(/does not start with 0xA55A/);
    expect(decoder.failed).toBe(true);
  });

  it('refuses an unknown level, a frame without timestamp, and a stream cut inside a frame', () => {
    const head = (type: number) => {
      const b = Buffer.alloc(16);
      b.writeUInt32BE(type, 0);
      return b;
    };
    expect(decode(head(0xa55a001f)).errors[0]?.reason).toMatch(/no known level/);
    expect(decode(head(0xa55a000d)).errors[0]?.reason).toMatch(/no timestamp/);
    const cut = decode(encodeFrame('text', 'INFO', 'abcdef', 0n).subarray(0, 20));
    expect(cut.errors).toEqual([]);
    cut.decoder.end();
    expect(cut.errors[0]?.reason).toMatch(/ended inside a frame/);
  });
});
