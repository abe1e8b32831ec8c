// The chart choices of one page (each chart's x-axis and log scale, the smoothing) as address params:
// "c.<chart>=<axis>[,log|,lin]" for charts that differ from their defaults, "smooth=<weight>". Charts come
// and go with the data (an eval group appears with the first eval), so params for a chart not drawn yet wait
// until it is.
import { SvelteMap } from 'svelte/reactivity';
import { X_AXES, type XAxis } from '../../../shared/api-types.js';
import { ChartView } from '../charts/chart-view.svelte.js';
import type { Params } from '../router/routes.js';

export const DEFAULT_SMOOTHING = 0.6;

export class ChartViews {
  smoothing = $state(DEFAULT_SMOOTHING);
  private readonly views = new SvelteMap<string, ChartView>();
  private readonly defaults: Record<string, { xAxis: XAxis; logY: boolean }> = {};
  private pending: Params = {};

  /** The view of chart `id`, made on first use with its defaults (and any params waiting for it). */
  view(id: string, defaults: { xAxis?: XAxis; logY?: boolean } = {}): ChartView {
    let view = this.views.get(id);
    if (!view) {
      const d = { xAxis: defaults.xAxis ?? 'step', logY: defaults.logY ?? false };
      this.defaults[id] = d;
      view = new ChartView(id, d);
      const waiting = this.pending[`c.${id}`];
      if (waiting !== undefined) applyChart(view, waiting, d);
      this.views.set(id, view);
    }
    return view;
  }

  params(): Params {
    const params: Params = {};
    for (const [id, view] of this.views) {
      const d = this.defaults[id]!;
      if (view.xAxis === d.xAxis && view.logY === d.logY) continue;
      params[`c.${id}`] = view.logY === d.logY ? view.xAxis : `${view.xAxis},${view.logY ? 'log' : 'lin'}`;
    }
    for (const [name, value] of Object.entries(this.pending))
      if (name.startsWith('c.') && !this.views.has(name.slice(2))) params[name] = value;
    if (this.smoothing !== DEFAULT_SMOOTHING) params.smooth = String(this.smoothing);
    return params;
  }

  applyParams(params: Params): void {
    this.pending = Object.fromEntries(Object.entries(params).filter(([name]) => name.startsWith('c.')));
    for (const [id, view] of this.views) {
      const d = this.defaults[id]!;
      applyChart(view, params[`c.${id}`] ?? '', d);
    }
    const smooth = Number(params.smooth ?? Number.NaN);
    this.smoothing = params.smooth !== undefined && smooth >= 0 && smooth < 1 ? smooth : DEFAULT_SMOOTHING;
  }
}

function applyChart(view: ChartView, value: string, defaults: { xAxis: XAxis; logY: boolean }): void {
  const [axis, scale] = value.split(',');
  view.xAxis = (X_AXES as readonly string[]).includes(axis ?? '') ? (axis as XAxis) : defaults.xAxis;
  view.logY = scale === 'log' ? true : scale === 'lin' ? false : defaults.logY;
}
