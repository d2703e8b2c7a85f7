/**
 * Recording and summarising measurements. Each phase records into Node's HDR histogram (nanoseconds,
 * 3 significant figures) for its headline percentiles, merged across blocks and environments with
 * `add` (percentiles are never averaged), and keeps one BinnedHistogram per block for resampling.
 */
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { BinnedHistogram, HistogramSet, type BinnedJson } from './binned.ts';
import { bootstrapInterval, quantileSorted, type BlockSample } from './stats.ts';
import type { LatencySummary, RateBlock } from './types.ts';

export class LatencyRecorder {
  readonly #merged: RecordableHistogram = createHistogram();
  readonly #blocks: BinnedHistogram[] = [];
  #block: BinnedHistogram | undefined;
  /**
   * Values recorded since the last read: a timed loop only stores a number (histogram records cost
   * ~1 µs per invoke in situ, which would count as the mock's), and they are binned when read or
   * when the next block starts. The buffer doubles when full rather than flushing mid-loop (a flush
   * would put its own time into the sample being measured).
   */
  #pending = new Float64Array(16384);
  #n = 0;

  /** Starts a new block (one round of one side); later records go to it. */
  startBlock(): void {
    this.#flush();
    this.#block = new BinnedHistogram();
    this.#blocks.push(this.#block);
  }

  recordNs(ns: number): void {
    if (this.#n === this.#pending.length) {
      const bigger = new Float64Array(this.#pending.length * 2);
      bigger.set(this.#pending);
      this.#pending = bigger;
    }
    this.#pending[this.#n++] = ns;
  }

  /** Node's HDR histogram of everything recorded (headline percentiles). */
  get merged(): RecordableHistogram {
    this.#flush();
    return this.#merged;
  }

  /** One binned histogram per block (resampling). */
  get blocks(): readonly BinnedHistogram[] {
    this.#flush();
    return this.#blocks;
  }

  get count(): number {
    return this.merged.count;
  }

  summary(): LatencySummary {
    return summarise(this.merged, this.blocks);
  }

  blocksJson(): BinnedJson[] {
    return this.blocks.filter((b) => b.count > 0).map((b) => b.toJSON());
  }

  #flush(): void {
    if (this.#n === 0) return;
    if (!this.#block) {
      this.#block = new BinnedHistogram();
      this.#blocks.push(this.#block);
    }
    const p = this.#pending;
    for (let i = 0; i < this.#n; i++) {
      const v = Math.max(1, Math.round(p[i] as number));
      this.#merged.record(v);
      this.#block.record(v);
    }
    this.#n = 0;
  }
}

const us = (ns: number): number => Math.round(ns / 10) / 100;

export function summarise(h: RecordableHistogram, blocks: readonly BinnedHistogram[]): LatencySummary {
  if (h.count === 0) return { p50Us: 0, p90Us: 0, p99Us: 0, p999Us: 0, maxUs: 0, samples: 0, blocks: 0, p50CiUs: [0, 0] };
  const full = blocks.filter((b) => b.count > 0);
  const ci = full.length >= 2 ? bootstrapInterval(percentileBlocks(full, 50)) : [h.percentile(50), h.percentile(50)];
  return {
    p50Us: us(h.percentile(50)),
    p90Us: us(h.percentile(90)),
    p99Us: us(h.percentile(99)),
    p999Us: us(h.percentile(99.9)),
    maxUs: us(h.max),
    samples: h.count,
    blocks: full.length,
    p50CiUs: [us(ci[0] as number), us(ci[1] as number)],
  };
}

/** A percentile of merged blocks, as a resampling figure. */
export function percentileBlocks(blocks: readonly BinnedHistogram[], percentile: number): BlockSample {
  const set = new HistogramSet(blocks);
  return { blocks: set.size, figure: (picks) => set.percentile(picks, percentile) };
}

/** Invocations per second over blocks: total invokes / total seconds of the picked blocks. */
export function rateBlocks(blocks: readonly RateBlock[]): BlockSample {
  return {
    blocks: blocks.length,
    figure: (picks) => {
      let n = 0;
      let s = 0;
      for (let i = 0; i < picks.length; i++) {
        const b = blocks[picks[i] as number] as RateBlock;
        n += b.invokes;
        s += b.seconds;
      }
      return s > 0 ? n / s : 0;
    },
  };
}

/** A percentile of single values, each its own block (e.g. one cold start per fresh environment). */
export function valueBlocks(values: readonly number[], percentile: number): BlockSample {
  return {
    blocks: values.length,
    figure: (picks) => {
      const picked = Float64Array.from({ length: picks.length }, (_, i) => values[picks[i] as number] as number).sort();
      return quantileSorted(picked, percentile / 100);
    },
  };
}

export function rateOf(blocks: readonly RateBlock[]): { perSec: number; invokes: number; perSecCi: [number, number] } {
  const sample = rateBlocks(blocks);
  const all = Int32Array.from(blocks, (_, i) => i);
  const perSec = sample.figure(all);
  const ci = blocks.length >= 2 ? bootstrapInterval(sample) : [perSec, perSec];
  return {
    perSec: Math.round(perSec),
    invokes: blocks.reduce((s, b) => s + b.invokes, 0),
    perSecCi: [Math.round(ci[0] as number), Math.round(ci[1] as number)],
  };
}
