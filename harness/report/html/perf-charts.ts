/** The performance charts: latency by percentile, histograms, throughput scaling, cold start, memory, intervals. */
import type { FigureChange, LatencyFigures } from '../history-types.ts';
import { axis, baseOptions, type ChartSpec, laneColor, laneStyle, VERDICT_COLORS } from './charts.ts';
import type { LaneView } from './view.ts';

type Point = { x: number; y: number };

/** Latency against "nines" (x = 1/(1−q), log): the tail gets as much room as the median. */
export function percentilePoints(l: LatencyFigures): Point[] {
  const h = l.histogram;
  if (h?.length) {
    const total = h.reduce((n, b) => n + b.count, 0);
    let seen = 0;
    const pts: Point[] = [];
    for (const b of h) {
      seen += b.count;
      const q = seen / total;
      pts.push({ x: q >= 1 ? total : 1 / (1 - q), y: b.leUs });
    }
    return pts.filter((p) => p.x >= 1.01);
  }
  const pairs: Array<[number, number | undefined]> = [
    [0.5, l.p50Us],
    [0.9, l.p90Us],
    [0.99, l.p99Us],
    [0.999, l.p999Us],
  ];
  const pts = pairs.filter((p): p is [number, number] => p[1] !== undefined).map(([q, y]) => ({ x: 1 / (1 - q), y }));
  if (l.maxUs !== undefined && l.samples) pts.push({ x: l.samples, y: l.maxUs });
  return pts;
}

export function latencyChart(lanes: LaneView[]): ChartSpec {
  const datasets: Array<Record<string, unknown> & { data: Point[] }> = lanes.flatMap((lane) => {
    const lat = lane.bench?.figures.latency;
    if (!lat) return [];
    return [{ label: lane.label, data: percentilePoints(lat), showLine: true, tension: 0, ...laneStyle(lane.index) }];
  });
  const floors = lanes.map((l) => l.bench?.figures.floor?.pingPongUs).filter((v): v is number => v !== undefined);
  if (floors.length) {
    const floor = Math.min(...floors);
    const maxX = Math.max(1000, ...datasets.flatMap((d) => d.data.map((p) => p.x)));
    datasets.push({ label: `floor: loopback ping-pong (${floor} µs)`, data: [{ x: 2, y: floor }, { x: maxX, y: floor }], showLine: true, tension: 0, ...laneStyle(6), borderColor: '#777', backgroundColor: '#777', borderDash: [3, 3], pointRadius: 0 });
  }
  return {
    id: 'chart-latency',
    title: 'Invocation latency by percentile, per runtime, with the loopback floor',
    units: { x: 'percentile', y: 'us' },
    config: {
      type: 'scatter',
      data: { datasets },
      options: baseOptions({ scales: { x: axis('percentile (log of 1/(1−q)): the tail is to the right', { type: 'logarithmic', min: 2 }), y: axis('latency (log)', { type: 'logarithmic' }) } }),
    },
  };
}

export function histogramChart(lane: LaneView): ChartSpec | undefined {
  const h = lane.bench?.figures.latency?.histogram;
  if (!h?.length) return undefined;
  return {
    id: `chart-hist-L${lane.index}`,
    title: `Latency histogram of ${lane.label}`,
    units: { x: 'us', y: 'count' },
    config: {
      type: 'bar',
      data: { labels: h.map((b) => b.leUs), datasets: [{ label: lane.label, data: h.map((b) => b.count), backgroundColor: laneColor(lane.index), barPercentage: 1, categoryPercentage: 1 }] },
      options: baseOptions({ plugins: { legend: { display: false } }, scales: { x: axis('latency bucket (upper bound)'), y: axis('invocations') } }),
    },
  };
}

export function throughputChart(lanes: LaneView[]): ChartSpec | undefined {
  const datasets = lanes.flatMap((lane) => {
    const t = lane.bench?.figures.throughput;
    return t?.concurrent.length ? [{ label: lane.label, data: t.concurrent.map((c) => ({ x: c.environments, y: c.perSec })), showLine: true, ...laneStyle(lane.index) }] : [];
  });
  if (!datasets.length) return undefined;
  return {
    id: 'chart-throughput',
    title: 'Throughput against the number of concurrent execution environments',
    units: { x: 'envs', y: 'perSec' },
    config: {
      type: 'scatter',
      data: { datasets },
      options: baseOptions({ scales: { x: axis('concurrent execution environments', { type: 'linear', min: 0, ticks: { stepSize: 1 } }), y: axis('invocations per second (log)', { type: 'logarithmic' }) } }),
    },
  };
}

function barChart(id: string, title: string, lanes: LaneView[], unit: 'ms' | 'MB', series: Array<{ label: string; pick: (l: LaneView) => number | undefined; light: boolean }>): ChartSpec | undefined {
  const shown = lanes.filter((l) => series.some((s) => s.pick(l) !== undefined));
  if (!shown.length) return undefined;
  return {
    id,
    title,
    units: { y: unit },
    config: {
      type: 'bar',
      data: {
        labels: shown.map((l) => l.history.runtime),
        datasets: series.map((s) => ({
          label: s.label,
          data: shown.map((l) => s.pick(l) ?? null),
          backgroundColor: shown.map((l) => (s.light ? `${laneColor(l.index)}66` : laneColor(l.index))),
          borderColor: shown.map((l) => laneColor(l.index)),
          borderWidth: 2,
        })),
      },
      options: baseOptions({ plugins: { legend: { display: false } }, scales: { y: axis(unit, { beginAtZero: true }) } }),
    },
  };
}

export function coldStartChart(lanes: LaneView[]): ChartSpec | undefined {
  return barChart('chart-cold', 'Cold start (init) duration per runtime: p50 solid, p90 light', lanes, 'ms', [
    { label: 'p50', pick: (l) => l.bench?.figures.coldStart?.p50Ms, light: false },
    { label: 'p90', pick: (l) => l.bench?.figures.coldStart?.p90Ms, light: true },
  ]);
}

export function memoryChart(lanes: LaneView[]): ChartSpec | undefined {
  return barChart('chart-memory', 'Memory per runtime: peak RSS solid, growth over the run light', lanes, 'MB', [
    { label: 'peak RSS', pick: (l) => l.bench?.figures.memory?.peakRssMb, light: false },
    { label: 'growth', pick: (l) => l.bench?.figures.memory?.growthMb, light: true },
  ]);
}

/** Each compared figure's change with its confidence interval; right of zero is worse for "lower is better". */
export function intervalChart(changes: FigureChange[], label: (lane: string) => string): ChartSpec | undefined {
  const withCi = changes.filter((c) => c.ciLowPct !== undefined && c.ciHighPct !== undefined);
  if (!withCi.length) return undefined;
  const labels = withCi.map((c) => `${label(c.lane)} · ${c.label}`);
  return {
    id: 'chart-intervals',
    title: 'Change of each figure against the baseline, with its confidence interval',
    units: { x: 'pct' },
    config: {
      type: 'bar',
      data: {
        labels,
        datasets: [
          { label: 'confidence interval', data: withCi.map((c) => [c.ciLowPct, c.ciHighPct]), backgroundColor: withCi.map((c) => `${VERDICT_COLORS[c.verdict]}88`), borderColor: withCi.map((c) => VERDICT_COLORS[c.verdict]), borderWidth: 1, barPercentage: 0.6 },
          { type: 'line', label: 'measured change', data: withCi.map((c) => c.changePct ?? null), showLine: false, pointStyle: 'line', pointRadius: 9, borderWidth: 3, borderColor: '#111', backgroundColor: '#111' },
        ],
      },
      options: baseOptions({ indexAxis: 'y', scales: { x: axis('change against the baseline (%)'), y: { ticks: { autoSkip: false } } } }),
    },
  };
}
