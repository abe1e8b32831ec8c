// chart.js owned by a Svelte attachment (ARCHITECTURE.md): the attachment creates the chart when the canvas
// mounts and destroys it on teardown. The chart is created once from untracked state; `update` runs in its
// own effect, so state it reads (new points, smoothing, theme) updates the chart in place instead of
// rebuilding it, and nothing is animated, so streaming metrics never make the page jump.
import type { ChartConfiguration } from 'chart.js';
import { untrack } from 'svelte';
import type { Attachment } from 'svelte/attachments';
import { Chart, registerCharts } from './chart-setup.js';
import type { XY } from './series-points.js';

export type LineChart = Chart<'line', XY[]>;

/** Where a view can reach the live chart (PNG export, zoom reset); null before mount and after teardown. */
export class ChartHandle {
  chart: LineChart | null = $state.raw(null);
}

export interface ChartSpec {
  create: () => ChartConfiguration<'line', XY[]>;
  /** Tracked: reads state and mutates chart.data / chart.options; the attachment calls chart.update after. */
  update?: (chart: LineChart) => void;
  handle?: ChartHandle;
  /** Extra behaviour bound to the chart (zoom and pan); returns its cleanup. */
  setup?: (chart: LineChart) => () => void;
}

export function lineChart(spec: ChartSpec): Attachment<HTMLCanvasElement> {
  return (canvas) => {
    registerCharts();
    const config = untrack(spec.create);
    config.options = { animation: false, responsive: true, maintainAspectRatio: false, ...config.options };
    const chart = new Chart(canvas, config) as LineChart;
    const cleanup = untrack(() => spec.setup?.(chart));
    if (spec.handle) spec.handle.chart = chart;
    $effect(() => {
      if (!spec.update) return;
      spec.update(chart);
      chart.update('none');
      // How many points are drawn, readable without pixels (end-to-end tests, debugging).
      canvas.dataset.points = String(chart.data.datasets.reduce((n, d) => n + d.data.length, 0));
    });
    return () => {
      cleanup?.();
      if (spec.handle) spec.handle.chart = null;
      chart.destroy();
    };
  };
}

/** Downloads the chart as a PNG on a white or dark background matching the theme. */
export function downloadChartPng(chart: LineChart, fileName: string): void {
  const link = document.createElement('a');
  link.href = chart.toBase64Image('image/png', 1);
  link.download = fileName.endsWith('.png') ? fileName : `${fileName}.png`;
  link.click();
}
