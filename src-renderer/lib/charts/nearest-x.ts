// Hovering a chart shows every series at that x (PRODUCT.md: what people expect from TensorBoard and W&B).
// chart.js's 'index' mode pairs points by array position, which is wrong when series have different x
// values (runs bucketed apart, sparse evals beside a dense loss); this mode takes, in each visible series,
// the point nearest the cursor along x. Drawing aids (labels starting with "~") are left out.
import type { ActiveElement, Chart, ChartEvent, InteractionModeFunction, Plugin } from 'chart.js';
import { getRelativePosition } from 'chart.js/helpers';

declare module 'chart.js' {
  interface InteractionModeMap {
    eachNearestX: InteractionModeFunction;
  }
}

/** Index of the element whose x is nearest `x` among elements sorted by x; -1 when there are none. */
export function nearestIndex(xs: ArrayLike<number>, x: number): number {
  if (xs.length === 0) return -1;
  let lo = 0;
  let hi = xs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(xs[lo - 1]! - x) <= Math.abs(xs[lo]! - x)) return lo - 1;
  return lo;
}

export const eachNearestX: InteractionModeFunction = (chart: Chart, event: ChartEvent | Event) => {
  const position = getRelativePosition(event as Event, chart);
  const area = chart.chartArea;
  if (position.x < area.left || position.x > area.right) return [];
  const items: ActiveElement[] = [];
  for (const meta of chart.getSortedVisibleDatasetMetas()) {
    const label = String(chart.data.datasets[meta.index]?.label ?? '');
    if (label.startsWith('~') || meta.data.length === 0) continue;
    const xs = meta.data.map((element) => element.x);
    const index = nearestIndex(xs, position.x);
    const element = meta.data[index];
    if (element && !(element as unknown as { skip?: boolean }).skip)
      items.push({ element, datasetIndex: meta.index, index });
  }
  return items;
};

/**
 * Writes the series the tooltip shows onto the canvas (data-hover="train loss|held-out loss"), readable
 * without pixels: for tests and for anyone inspecting the page, like data-points and data-stage-bands.
 */
export const hoverReadoutPlugin: Plugin = {
  id: 'hoverReadout',
  afterDraw(chart) {
    // Where each legend item sits, in canvas pixels: a test can click one without guessing.
    const boxes = (chart.legend as unknown as { legendHitBoxes?: Array<Record<string, number>> } | undefined)
      ?.legendHitBoxes;
    const items = chart.legend?.legendItems ?? [];
    const text = JSON.stringify(
      (boxes ?? []).map((b, i) => ({
        text: items[i]?.text,
        x: b.left! + b.width! / 2,
        y: b.top! + b.height! / 2,
      })),
    );
    if (chart.canvas.dataset.legend !== text) chart.canvas.dataset.legend = text;
  },
  afterEvent(chart) {
    const items = chart.tooltip?.getActiveElements() ?? [];
    const labels = items.map((item) => String(chart.data.datasets[item.datasetIndex]?.label ?? ''));
    const text = labels.join('|');
    if (chart.canvas.dataset.hover !== text) chart.canvas.dataset.hover = text;
  },
};
