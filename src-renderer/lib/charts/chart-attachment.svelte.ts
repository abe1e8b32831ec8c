// chart.js owned by a Svelte attachment (ARCHITECTURE.md): the attachment creates the chart when the canvas
// mounts and destroys it on teardown. The chart is created once from untracked state; `update` runs in its
// own effect, so state it reads (new points, smoothing, theme) updates the chart in place instead of
// rebuilding it, and nothing is animated, so streaming metrics never make the page jump.
import type { ChartConfiguration, ChartOptions } from 'chart.js';
import { untrack } from 'svelte';
import type { Attachment } from 'svelte/attachments';
import { Chart, registerCharts } from './chart-setup.js';
import type { ChartView } from './chart-view.svelte.js';
import { groupOf, type LineDataset } from './datasets.js';
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
  /** The user's choices for this chart: series hidden from the legend are applied after every update. */
  view?: ChartView;
}

/**
 * Hides the series the user hid, each with its band and raw trace, and makes a legend click toggle the
 * whole group in the view (chart.js's own toggle hides one dataset, and a data update forgets it).
 */
export function applyView(chart: LineChart, view: ChartView): void {
  for (const dataset of chart.data.datasets as LineDataset[])
    dataset.hidden = view.isHidden(groupOf(dataset));
  // The options as given (chart.options reads back what chart.js resolved at the last update, not them).
  const legend = (chart.config.options as ChartOptions<'line'>).plugins?.legend;
  if (legend) legend.onClick = (_event, item) => view.toggle(item.text);
  // What is hidden and how many series are drawn, readable without pixels (tests, debugging).
  chart.canvas.dataset.hidden = view.hidden.join('|');
  chart.canvas.dataset.visible = String(chart.data.datasets.filter((d) => !d.hidden).length);
}

/**
 * The chart is made when its canvas comes near the screen: a page of a dozen charts draws the ones in view
 * first, and the rest as they are scrolled to (each chart's set-up reads computed styles, which costs a
 * style recalculation every time).
 */
export function lineChart(spec: ChartSpec): Attachment<HTMLCanvasElement> {
  return (canvas) => {
    let chart: LineChart | null = $state.raw(null);
    let cleanup: (() => void) | undefined;
    const create = () => {
      registerCharts();
      const config = untrack(spec.create);
      config.options = { animation: false, responsive: true, maintainAspectRatio: false, ...config.options };
      const made = new Chart(canvas, config) as LineChart;
      cleanup = untrack(() => spec.setup?.(made));
      if (spec.handle) spec.handle.chart = made;
      chart = made;
    };
    const near =
      typeof IntersectionObserver === 'function'
        ? new IntersectionObserver(
            (entries) => entries.some((e) => e.isIntersecting) && (near?.disconnect(), create()),
            {
              rootMargin: '200px',
            },
          )
        : null;
    if (near) near.observe(canvas);
    else create();
    $effect(() => {
      if (!chart || !spec.update) return;
      spec.update(chart);
      if (spec.view) applyView(chart, spec.view);
      chart.update('none');
      // How many points are drawn, readable without pixels (end-to-end tests, debugging).
      canvas.dataset.points = String(chart.data.datasets.reduce((n, d) => n + d.data.length, 0));
    });
    return () => {
      near?.disconnect();
      cleanup?.();
      if (spec.handle) spec.handle.chart = null;
      chart?.destroy();
    };
  };
}

/**
 * The chart as a PNG on the theme's background, with its title and its legend drawn into the image (a chart
 * that shows one series on screen has no legend there; the picture travels without the page around it).
 */
export function chartPng(chart: LineChart, title: string): string {
  const options = chart.config.options as ChartOptions<'line'>;
  const plugins = options.plugins ?? (options.plugins = {});
  const legend = plugins.legend;
  const shownLegend = legend?.display;
  const shownTitle = plugins.title;
  if (legend) legend.display = true;
  plugins.title = { display: true, text: title, color: legend?.labels?.color, font: { size: 13 } } as never;
  chart.update('none');
  try {
    return chart.toBase64Image('image/png', 1);
  } finally {
    if (legend) legend.display = shownLegend;
    plugins.title = shownTitle;
    chart.update('none');
  }
}

export function downloadChartPng(chart: LineChart, fileName: string, title: string): void {
  const link = document.createElement('a');
  link.href = chartPng(chart, title);
  link.download = fileName.endsWith('.png') ? fileName : `${fileName}.png`;
  link.click();
}
