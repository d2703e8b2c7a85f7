/**
 * The streaming and concurrency bench figures in the report: a real `bench --phases
 * streaming,concurrency` of node-plain --vs go (captured, raw blocks removed), shown per runtime with
 * the --vs side on its own row and the same-run floor beside it; phases that did not run show nothing.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadHistory } from '../../harness/report/history.ts';
import { renderHtmlReport } from '../../harness/report/html/index.ts';
import { markdownSummary } from '../../harness/report/markdown.ts';
import { FIXTURES } from './helpers.ts';

const file = join(FIXTURES, 'modes-bench-node-plain-vs-go.json');

describe('bench figures of streaming and concurrency', () => {
  const history = loadHistory([{ file }]);

  it('reads both sides of the run, with the floor matched by stream', () => {
    const f = history.lanes[0]?.bench.at(-1)?.figures;
    expect(f?.streaming?.streams.map((s) => s.stream)).toEqual(['8 × 64 KiB', '128 × 64 KiB']);
    expect(f?.streaming?.streams[0]?.floorMibPerSec).toBeGreaterThan(0);
    expect(f?.concurrency?.levels.map((l) => l.concurrency)).toEqual([1, 2, 4, 8]);
    expect(f?.concurrency?.levels[3]?.idealPerSec).toBe(400);
    expect(f?.vs?.name).toBe('go-aws-lambda-go');
    expect(f?.vs?.concurrency?.levels).toHaveLength(4);
    // latency and throughput did not run: zeros over zero samples are not figures
    expect(f?.latency).toBeUndefined();
    expect(f?.throughput).toBeUndefined();
  });

  it('puts both curves and the ideal in the Markdown summary', () => {
    const md = markdownSummary(history);
    const rows = md.split('\n');
    const head = rows.indexOf('### Concurrency in one environment (invokes/s)');
    expect(head).toBeGreaterThan(-1);
    expect(rows[head + 2]).toBe('| Runtime | N = 1 | N = 2 | N = 4 | N = 8 | stops scaling at |');
    expect(rows[head + 4]).toMatch(/^\| node-plain \| [\d.]+\/s \| .* \| scaled to the last level \|$/);
    expect(rows[head + 5]).toMatch(/^\| go-aws-lambda-go \(--vs\) \| /);
    expect(rows[head + 6]).toBe('| ideal (N / sleep) | 50.0/s | 100/s | 200/s | 400/s | |');
    expect(md).toContain('### Streamed responses');
    expect(rows.filter((r) => r.startsWith('| go-aws-lambda-go (--vs) | 8 × 64 KiB |'))).toHaveLength(1);
    expect(md).not.toMatch(/\| 0\.0 µs \|/);
  });

  it('renders tables and a chart in the HTML report, and leaves out the phases that did not run', () => {
    const page = renderHtmlReport(history);
    expect(page).toContain('id="perf-streaming"');
    expect(page).toContain('id="perf-concurrency"');
    expect(page).toContain('chart-concurrency');
    expect(page).toContain('go-aws-lambda-go (--vs, same run as node-plain)');
    expect(page).toContain('ideal: N / sleep');
    expect(page).not.toContain('<h3>Latency</h3>');
    expect(page).not.toContain('<h3>Throughput</h3>');
  });
});
