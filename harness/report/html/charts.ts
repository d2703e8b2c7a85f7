/**
 * Chart.js configurations as plain data. The page embeds them as JSON; the client script turns
 * them into charts and adds the tick and tooltip formatters (functions cannot travel as JSON).
 */
import { html, type Markup } from './markup.ts';

export type Unit = 'us' | 'ms' | 'MB' | 'perSec' | 'pct' | 'count' | 'percentile' | 'envs' | 'date';

export interface ChartSpec {
  id: string;
  /** Accessible summary, also shown when a chart cannot be drawn. */
  title: string;
  units: { x?: Unit; y?: Unit };
  config: Record<string, unknown>;
}

/** Okabe-Ito: distinguishable with every common colour vision deficiency. */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#000000', '#F0E442'];
/** Each lane also gets its own dash and point shape, so lines differ without colour. */
const DASHES = [[], [6, 3], [2, 2], [10, 3, 2, 3], [4, 4], [1, 3]];
const POINTS = ['circle', 'rect', 'triangle', 'rectRot', 'crossRot', 'star'];

export function laneStyle(index: number): Record<string, unknown> {
  const color = PALETTE[index % PALETTE.length];
  return {
    borderColor: color,
    backgroundColor: color,
    borderDash: DASHES[index % DASHES.length],
    pointStyle: POINTS[index % POINTS.length],
    pointRadius: 3,
    borderWidth: 2,
  };
}

export const laneColor = (index: number): string => PALETTE[index % PALETTE.length] as string;

export const VERDICT_COLORS = { regression: '#D55E00', improvement: '#009E73', unchanged: '#8a8f98', inconclusive: '#b9a04a' } as const;

export function baseOptions(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    plugins: { legend: { position: 'bottom', labels: { usePointStyle: true, boxWidth: 10 } } },
    ...extra,
  };
}

export function axis(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { title: { display: true, text: title }, ...extra };
}

/** A canvas for one chart, sized by its container; the caption says what it shows in words. */
export function chartFigure(spec: ChartSpec, caption: string | Markup, size: 'wide' | 'small' = 'wide'): Markup {
  return html`<figure class="chart chart-${size}"><div class="chart-box"><canvas id="${spec.id}" role="img" aria-label="${spec.title}"></canvas></div><figcaption>${caption}</figcaption></figure>`;
}
