// The run page's view state, kept in the address: which tab is open and each chart's choices.
import type { Params } from '../router/routes.js';
import { ChartViews } from './chart-views.svelte.js';

export const RUN_TABS = ['charts', 'config', 'checkpoints', 'log'] as const;
export type RunTab = (typeof RUN_TABS)[number];

export class RunPage {
  tab: RunTab = $state('charts');
  readonly charts = new ChartViews();

  constructor(params: Params = {}) {
    this.applyParams(params);
  }

  params(): Params {
    return { ...(this.tab !== 'charts' ? { tab: this.tab } : {}), ...this.charts.params() };
  }

  applyParams(params: Params): void {
    this.tab = (RUN_TABS as readonly string[]).includes(params.tab ?? '') ? (params.tab as RunTab) : 'charts';
    this.charts.applyParams(params);
  }
}
