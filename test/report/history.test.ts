/** History from several dated documents: lanes, run-vs-run differences, bench normalisation, staleness. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { figureValue } from '../../harness/report/history-bench.ts';
import { loadDocument } from '../../harness/report/history-documents.ts';
import { loadHistory, regressions } from '../../harness/report/history.ts';
import type { NightlyStatus } from '../../harness/report/history-types.ts';
import { FIXTURES, fixtureFiles, ROOT, tempDir } from './helpers.ts';

const history = () => loadHistory(fixtureFiles().map((file) => ({ file })));

describe('history', () => {
  it('makes one lane per runtime × driver, in the order of the newest run, each with its three nights', () => {
    const h = history();
    expect(h.lanes.map((l) => l.key)).toEqual(['node-plain · process', 'bash · process', 'go-aws-lambda-go · process', 'rust-lambda-runtime · process']);
    for (const l of h.lanes) {
      expect(l.conformance.map((s) => s.at.slice(0, 10))).toEqual(['2026-11-12', '2026-11-19', '2026-11-26']);
      expect(l.bench).toHaveLength(3);
    }
  });

  it('finds the new failure, the fix and the changed build since the previous run', () => {
    const h = history();
    const rust = h.diffs.find((d) => d.lane === 'rust-lambda-runtime · process');
    expect(rust?.verdictChanges).toEqual([expect.objectContaining({ id: 'context.malformed-context', from: 'pass', to: 'warn', kind: 'new-failure' })]);
    expect(rust?.metadataChanges.join()).toMatch(/build digest 1c0ffee0d15ea5e0000000000000beef → /);
    const node = h.diffs.find((d) => d.lane === 'node-plain · process');
    expect(node?.verdictChanges).toEqual([expect.objectContaining({ id: 'trace.per-invoke', from: 'fail', kind: 'fixed' })]);
  });

  it('takes regressions and their intervals from the bench comparison', () => {
    const { failures, figures } = regressions(history());
    expect(failures.map((f) => f.id)).toEqual(['context.malformed-context']);
    expect(figures.map((f) => `${f.lane}: ${f.figure}`)).toEqual(['rust-lambda-runtime · process: latency 0 B mock p50', 'rust-lambda-runtime · process: throughput sequential']);
    const p50 = figures[0];
    expect(p50?.changePct).toBeCloseTo(21.5, 0);
    expect(p50?.ciLowPct).toBeGreaterThan(0);
    expect(p50?.unit).toBe('µs');
  });

  it('compares figures run against run (without an interval) when the bench gave no comparison', () => {
    const dir = tempDir('bootspec-history-');
    const strip = (f: string) => {
      const doc = JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as Record<string, unknown>;
      doc.comparison = null;
      writeFileSync(join(dir, f), JSON.stringify(doc));
      return join(dir, f);
    };
    const h = loadHistory(['bench-rust-lambda-runtime-2026-11-19.json', 'bench-rust-lambda-runtime-2026-11-26.json'].map((f) => ({ file: strip(f) })));
    const p50 = h.diffs[0]?.figureChanges.find((f) => f.figure === 'latency.p50Us');
    expect(p50).toMatchObject({ origin: 'history', verdict: 'inconclusive' });
    expect(p50?.ciLowPct).toBeUndefined();
  });

  it('marks the lanes a nightly status says did not finish as stale', () => {
    const status: NightlyStatus = {
      kind: 'bootspec-nightly-status',
      attemptedAt: '2026-11-27T03:00:00.000Z',
      complete: false,
      lanes: [{ runtime: 'go-aws-lambda-go', driver: 'process', finished: false, reason: 'suite: timed out', lastFinishedAt: '2026-11-26T17:41:00.000Z' }],
    };
    const file = join(tempDir('bootspec-status-'), 'lanes.json');
    writeFileSync(file, JSON.stringify(status));
    const h = loadHistory([...fixtureFiles(), file].map((f) => ({ file: f })));
    expect(h.lanes.find((l) => l.runtime === 'go-aws-lambda-go')?.stale?.reason).toBe('suite: timed out');
    expect(h.lanes.filter((l) => l.stale)).toHaveLength(1);
  });

  it('treats --baseline documents as older whatever their date', () => {
    const [older, newer] = [join(FIXTURES, 'results-2026-11-19.json'), join(FIXTURES, 'results-2026-11-26.json')];
    const h = loadHistory([{ file: newer, options: { baseline: true } }, { file: older }]);
    const node = h.diffs.find((d) => d.lane === 'node-plain · process');
    // the 11-26 run is the baseline here, so trace.per-invoke went from pass to fail
    expect(node?.verdictChanges[0]).toMatchObject({ id: 'trace.per-invoke', from: 'pass', to: 'fail', kind: 'new-failure' });
  });

  it('reads a real bench document: percentiles, floor, and the histogram from its raw blocks', () => {
    const doc = loadDocument(join(FIXTURES, 'captured/bench-node-plain.json'));
    expect(doc.kind).toBe('bench');
    if (doc.kind !== 'bench') return;
    const f = doc.snapshots[0]?.snapshot.figures;
    expect(f && figureValue(f, 'latency.p50Us')).toBeGreaterThan(0);
    expect(f?.floor?.pingPongUs).toBeGreaterThan(0);
    const h = f?.latency?.histogram ?? [];
    expect(h.reduce((n, b) => n + b.count, 0)).toBe(f?.latency?.samples);
  });

  it('keeps its bench fixtures valid against schemas/bench.v1.schema.json', () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'schemas/bench.v1.schema.json'), 'utf8')) as Record<string, unknown>;
    const validate = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true }).compile(schema);
    for (const f of [...fixtureFiles().filter((x) => x.includes('/bench-')), join(FIXTURES, 'captured/bench-node-plain.json')]) {
      expect(validate(JSON.parse(readFileSync(f, 'utf8'))) ? '' : JSON.stringify(validate.errors?.slice(0, 3)), f).toBe('');
    }
  });

  it('names the file and the field of a document it cannot read', () => {
    const file = join(tempDir('bootspec-bad-'), 'r.json');
    const doc = JSON.parse(readFileSync(join(FIXTURES, 'results-2026-11-26.json'), 'utf8')) as { runs: Array<{ summary: unknown }> };
    (doc.runs[0] as { summary: unknown }).summary = 'all good';
    writeFileSync(file, JSON.stringify(doc));
    expect(() => loadDocument(file)).toThrow(/r\.json: not a valid results document: \/runs\/0\/summary must be object/);
    writeFileSync(file, '{"hello": 1}');
    expect(() => loadDocument(file)).toThrow(/neither a results document/);
  });
});
