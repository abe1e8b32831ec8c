// What the user chose for one chart: its x-axis, a log y-axis, the series hidden from its legend, and
// whether it is open full-screen. One object per chart, kept by the view that owns the chart, so the choice
// survives the chart's data changing (a legend toggle used to be lost on every live update) and can go into
// the address bar.
import type { XAxis } from '../../../shared/api-types.js';

export class ChartView {
  xAxis: XAxis = $state('step');
  logY = $state(false);
  /** Series labels hidden by a legend click: the line, its min/max band and its raw trace together. */
  hidden: string[] = $state([]);
  expanded = $state(false);

  constructor(
    readonly id: string,
    defaults: { xAxis?: XAxis; logY?: boolean } = {},
  ) {
    this.xAxis = defaults.xAxis ?? 'step';
    this.logY = defaults.logY ?? false;
  }

  toggle(label: string): void {
    this.hidden = this.hidden.includes(label)
      ? this.hidden.filter((l) => l !== label)
      : [...this.hidden, label];
  }

  isHidden(label: string): boolean {
    return this.hidden.includes(label);
  }
}
