/** What `bootspec bench` prints: a progress bar while it runs, then a compact table with the floor beside each figure. */
import { concurrencyLines } from './concurrency-console.ts';
import type { Progress } from './runner.ts';
import type { BenchResult, Comparison, LatencySummary, RuntimeFigures, StreamingFigures, StreamingFloor } from './types.ts';

export class ProgressBar implements Progress {
  readonly #out: NodeJS.WriteStream;
  #total = 0;
  #done = 0;
  #phase = '';
  readonly #t0 = Date.now();

  constructor(out: NodeJS.WriteStream = process.stderr) {
    this.#out = out;
  }

  start(total: number): void {
    this.#total = total;
  }

  step(label: string): void {
    this.#done += 1;
    if (!this.#out.isTTY) {
      // In a log, one line per phase is enough.
      const phase = label.split(':')[0] ?? label;
      if (phase !== this.#phase) this.#out.write(`bench: ${phase} (${this.#done}/${this.#total})\n`);
      this.#phase = phase;
      return;
    }
    const width = 24;
    const filled = Math.round((this.#done / Math.max(1, this.#total)) * width);
    const secs = Math.round((Date.now() - this.#t0) / 1000);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.#done}/${this.#total} ${secs}s ${label}`;
    this.#out.write(`\r\x1b[2K${line.slice(0, (this.#out.columns || 100) - 1)}`);
  }

  done(): void {
    if (this.#out.isTTY) this.#out.write('\r\x1b[2K');
  }
}

const num = (x: number, digits = 1): string => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const pad = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
/** µs with one decimal while that is readable, whole µs past 10 ms. */
const us = (x: number): string => (x >= 10_000 ? int(x) : num(x));

function latencyRow(label: string, l: LatencySummary): string {
  return [label.padEnd(7), ...[l.p50Us, l.p90Us, l.p99Us, l.p999Us, l.maxUs].map((x) => pad(us(x), 10)), pad(int(l.samples), 9)].join('');
}

function runtimeSection(f: RuntimeFigures, r: BenchResult): string[] {
  const out: string[] = [`runtime ${f.runtime.name}`];
  const cMock = new Map((r.floor?.cMock ?? []).map((c) => [c.payload, c]));
  if (f.latency.samples > 0) {
    out.push(`  latency, mock side (event handed to /next -> result posted), µs; floor = null-c vs C mock`);
    out.push(`  ${'payload'.padEnd(7)}${['p50', 'p90', 'p99', 'p99.9', 'max'].map((h) => pad(h, 10)).join('')}${pad('samples', 9)}  ${pad('cycle p50', 10)}${pad('floor p50', 10)}${pad('floor cyc', 10)}${pad('e2e p50', 10)}${pad('e2e p99', 10)}`);
    for (const p of f.latency.byPayload) {
      const fl = cMock.get(p.payload);
      out.push(
        `  ${latencyRow(p.payload, p.mock)}  ${pad(us(p.cycle.p50Us), 10)}${pad(fl ? us(fl.latency.p50Us) : '-', 10)}${pad(fl ? us(fl.cycle.p50Us) : '-', 10)}` +
          `${pad(p.endpoint ? us(p.endpoint.p50Us) : '-', 10)}${pad(p.endpoint ? us(p.endpoint.p99Us) : '-', 10)}`,
      );
    }
  }
  const t = f.throughput;
  const floorRate = r.floor && r.floor.cMockUs > 0 ? `  (floor: null-c vs C mock ${int(1e6 / r.floor.cMockUs)}/s)` : '';
  if (t.sequentialInvokes > 0) out.push(`  throughput sequential ${int(t.sequentialPerSec)}/s [95% ${int(t.sequentialPerSecCi[0])}–${int(t.sequentialPerSecCi[1])}]${floorRate}`);
  if (t.concurrent.length > 0) out.push(`  throughput concurrent ${t.concurrent.map((c) => `${c.environments} env ${int(c.perSec)}/s`).join(' · ')}`);
  if (t.endpoint) {
    out.push(`  throughput endpoint (autocannon, ${t.endpoint.connections} connection) ${int(t.endpoint.perSec)}/s [95% ${int(t.endpoint.perSecCi[0])}–${int(t.endpoint.perSecCi[1])}]${t.endpoint.errors + t.endpoint.non2xx > 0 ? ` (${t.endpoint.errors} errors, ${t.endpoint.non2xx} non-2xx)` : ''}`);
  }
  if (f.coldStart) {
    out.push(`  cold start spawn -> first /next p50 ${num(f.coldStart.p50Ms, 2)} ms, p90 ${num(f.coldStart.p90Ms, 2)} ms; -> first result p50 ${num(f.coldStart.firstResultP50Ms, 2)} ms (${f.coldStart.samples} fresh environments)`);
  }
  if (f.streaming) out.push(...streamingLines(f.streaming, r.streamingFloor ?? null));
  if (f.memory) out.push(`  memory peak RSS ${num(f.memory.peakRssMb, 2)} MB, growth ${f.memory.growthMb >= 0 ? '+' : ''}${num(f.memory.growthMb, 2)} MB over ${int(f.memory.invokes)} invokes`);
  return out;
}

const mibps = (x: number | null): string => (x === null ? '-' : num(x));

/** Time to first byte and throughput per stream, the floor's beside each. */
function streamingLines(s: StreamingFigures, floor: StreamingFloor | null): string[] {
  if (s.skipped !== null) return [`  streaming skipped: ${s.skipped}`];
  const out = [
    `  streaming (handler ${s.handler}, bandwidth rule off), mock side: TTFB = event handed to /next -> first byte, µs; MiB/s = first -> last byte; floor = minimal client`,
    `  ${'stream'.padEnd(13)}${['ttfb p50', 'ttfb p99', 'last p50', 'MiB/s'].map((h) => pad(h, 10)).join('')}${pad('invokes', 9)}  ${pad('floor ttfb', 11)}${pad('floor MiB/s', 12)}`,
  ];
  const floors = new Map((floor?.streams ?? []).map((x) => [x.stream, x]));
  for (const x of s.streams) {
    const fl = floors.get(x.stream);
    out.push(
      `  ${x.stream.padEnd(13)}${[us(x.ttfb.p50Us), us(x.ttfb.p99Us), us(x.complete.p50Us), mibps(x.throughputMiBps)].map((v) => pad(v, 10)).join('')}${pad(int(x.invokes), 9)}  ` +
        `${pad(fl ? us(fl.ttfb.p50Us) : '-', 11)}${pad(fl ? mibps(fl.throughputMiBps) : '-', 12)}`,
    );
  }
  return out;
}

const pct = (x: number | undefined): string => (x === undefined ? '-' : `±${num(x * 100)} %`);

export function comparisonSection(c: Comparison): string[] {
  const why =
    c.verdict !== 'inconclusive'
      ? ''
      : c.noise
        ? ` — noise ${pct(c.noise.noise)} on ${c.noise.figure} is too high to decide at the ${num(c.threshold * 100, 0)} % threshold (more --rounds or a quieter machine)`
        : c.figures.every((f) => f.tier === 'secondary')
          ? ' — no gating figure was measured: these phases only inform (add latency, throughput or cold-start to --phases for a verdict)'
          : '';
  const out = [
    `comparison ${c.candidate} vs ${c.reference} (${c.kind === 'vs' ? 'interleaved, paired' : 'saved baseline'} bootstrap, ${c.resamples} resamples, threshold ${num(c.threshold * 100, 0)} %): ${c.verdict.toUpperCase()}${why}`,
  ];
  if (c.gate) out.push(`  gate: ${c.gate}`);
  out.push(`  ${'figure'.padEnd(36)}${pad('reference', 12)}${pad('candidate', 12)}${pad('ratio', 8)}  ${'95% CI'.padEnd(16)}${pad('noise', 10)}${pad('p(Holm)', 9)}  verdict`);
  for (const f of c.figures) {
    const tier = f.tier === 'secondary' ? ' (informs)' : '';
    out.push(
      `  ${f.figure.padEnd(36)}${pad(`${num(f.reference)} ${f.unit}`, 12)}${pad(`${num(f.candidate)} ${f.unit}`, 12)}${pad(f.ratio.toFixed(3), 8)}  ${`[${f.ciLow.toFixed(3)}, ${f.ciHigh.toFixed(3)}]`.padEnd(16)}` +
        `${pad(pct(f.noise), 10)}${pad(f.pAdjusted === undefined ? '-' : f.pAdjusted.toFixed(3), 9)}  ${f.verdict}${tier}`,
    );
  }
  return out;
}

export function renderResult(r: BenchResult): string {
  const h = r.host;
  const shared = h.loadAverage[0] > 0.5 * h.cores ? ` — load ${h.loadAverage[0]} on ${h.cores} CPUs: the machine is busy, figures are noisy` : '';
  const out = [
    `bootspec bench ${r.bootspec} · ${h.cpuModel}, ${h.cores} CPUs, Linux ${h.kernel}, Node ${h.node} · ${h.placement.pinned ? `pinned (${h.placement.mode}): ${h.placement.note}` : h.placement.note}${shared}`,
  ];
  if (r.floor) {
    const f = r.floor;
    out.push(
      `floor: loopback ping-pong p50 ${num(f.pingPongUs)} µs · null-c per invoke (cycle p50): C mock ${num(f.cMockUs)} µs, bootspec mock ${num(f.bootspecMockUs)} µs -> mock overhead ${r.mockOverheadUs !== null && r.mockOverheadUs >= 0 ? '+' : ''}${num(r.mockOverheadUs ?? 0)} µs/invoke${f.overheadCiUs ? ` [95% ${num(f.overheadCiUs[0])}–${num(f.overheadCiUs[1])}]` : ''}`,
    );
  }
  const main: RuntimeFigures = { runtime: r.runtime, latency: r.latency, throughput: r.throughput, coldStart: r.coldStart, memory: r.memory, raw: r.raw, ...(r.streaming ? { streaming: r.streaming } : {}) };
  out.push(...runtimeSection(main, r));
  if (r.vs) out.push(...runtimeSection(r.vs, r));
  out.push(...concurrencyLines(r));
  if (r.comparison) out.push(...comparisonSection(r.comparison));
  return `${out.join('\n')}\n`;
}
