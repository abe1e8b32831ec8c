// Shared look of every line chart: no animation, no points, tabular tick labels in human units, theme colours.
import type { ChartOptions, Plugin } from 'chart.js';
import { formatDuration, formatMetric, formatSi } from '../../../shared/format.js';
import type { XAxis } from '../../../shared/api-types.js';
import type { Palette } from './theme.svelte.js';

export interface AxisSpec {
  xTitle: string;
  yTitle: string;
  xFormat?: (value: number) => string;
  yFormat?: (value: number) => string;
  yLog?: boolean;
  xLog?: boolean;
  legend?: boolean;
}

/** Tick labels for each x-axis of metrics:series. */
export function xAxisFormat(axis: XAxis): (value: number) => string {
  switch (axis) {
    case 'step':
      return (v) => formatSi(v);
    case 'tokens':
      return (v) => formatSi(v);
    case 'flops':
      return (v) => formatSi(v, 'FLOP');
    case 'wall':
      return (v) => formatDuration(v);
  }
}

/** The x-axis choice in a chart's own header, where room is short. */
export const X_AXIS_SHORT: Record<XAxis, string> = {
  step: 'steps',
  tokens: 'tokens',
  flops: 'FLOPs',
  wall: 'wall time',
};

export const X_AXIS_TITLES: Record<XAxis, string> = {
  step: 'step',
  tokens: 'tokens seen',
  flops: 'training FLOPs',
  wall: 'wall time',
};

export function lineOptions(palette: Palette, spec: AxisSpec): ChartOptions<'line'> {
  const tick = { color: palette.muted, font: { size: 11, family: 'system-ui, sans-serif' } };
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    parsing: false,
    normalized: true,
    // Every series at the hovered x (nearest-x.ts), not only the nearest line.
    interaction: { mode: 'eachNearestX', intersect: false },
    elements: { point: { radius: 0, hoverRadius: 3 }, line: { borderWidth: 1.6, tension: 0 } },
    scales: {
      x: {
        type: spec.xLog ? 'logarithmic' : 'linear',
        title: { display: true, text: spec.xTitle, color: palette.muted },
        grid: { color: palette.grid },
        ticks: { ...tick, maxTicksLimit: 8, callback: (v) => (spec.xFormat ?? formatSi)(Number(v)) },
      },
      y: {
        type: spec.yLog ? 'logarithmic' : 'linear',
        title: { display: true, text: spec.yTitle, color: palette.muted },
        grid: { color: palette.grid },
        ticks: { ...tick, maxTicksLimit: 6, callback: (v) => (spec.yFormat ?? formatMetric)(Number(v)) },
      },
    },
    plugins: {
      legend: {
        display: spec.legend ?? false,
        labels: {
          color: palette.text,
          boxWidth: 12,
          boxHeight: 2,
          // Band edges (min/max) and faint raw lines are drawn but not listed.
          filter: (item) => !String(item.text ?? '').startsWith('~'),
        },
      },
      tooltip: {
        mode: 'eachNearestX',
        intersect: false,
        filter: (item) => !String(item.dataset.label ?? '').startsWith('~'),
        callbacks: {
          title: (items) => (items[0] ? (spec.xFormat ?? formatSi)(items[0].parsed.x ?? 0) : ''),
          label: (item) =>
            `${item.dataset.label}: ${(spec.yFormat ?? formatMetric)(item.parsed.y ?? Number.NaN)}`,
        },
      },
      background: { color: palette.background },
    },
  };
}

declare module 'chart.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface PluginOptionsByType<TType> {
    background?: { color: string };
  }
}

/** Paints the canvas background, so a PNG export is not transparent. */
export const backgroundPlugin: Plugin<'line', { color: string }> = {
  id: 'background',
  beforeDraw(chart, _args, options) {
    if (!options?.color) return;
    const { ctx } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = options.color;
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};
