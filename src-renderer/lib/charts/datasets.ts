// Datasets for one series drawn the tracker way: a min/max band, the raw means faint, the smoothed line on
// top. Labels starting with "~" are drawing aids, kept out of the legend and tooltips.
import type { ChartDataset } from 'chart.js';
import { debiasedEma } from './ema.js';
import { mapY, type BandSeries, type XY } from './series-points.js';
import { withAlpha } from './theme.svelte.js';

/**
 * `group` names the series a drawing aid belongs to ("train loss" for its band and raw trace), so the legend
 * hides all of them together; a plain series is its own group.
 */
export type LineDataset = ChartDataset<'line', XY[]> & { group?: string };

export function groupOf(dataset: LineDataset): string {
  return dataset.group ?? String(dataset.label ?? '');
}

export interface BandStyle {
  label: string;
  color: string;
  /** EMA weight in [0, 1); 0 draws the raw line only. */
  smoothing: number;
  rawAlpha: number;
  /** Draw the min/max band (off for sparse series, where it adds nothing). */
  band?: boolean;
  /** Draw the raw means faint behind the smoothed line (default: whenever smoothing is on). */
  raw?: boolean;
}

export function bandDatasets(series: BandSeries, style: BandStyle): LineDataset[] {
  const sets: LineDataset[] = [];
  if (style.band !== false) {
    sets.push(
      {
        label: `~${style.label} max`,
        data: series.max,
        borderWidth: 0,
        pointRadius: 0,
        backgroundColor: withAlpha(style.color, 0.16),
        fill: '+1',
        group: style.label,
      },
      {
        label: `~${style.label} min`,
        data: series.min,
        borderWidth: 0,
        pointRadius: 0,
        fill: false,
        group: style.label,
      },
    );
  }
  if (style.smoothing > 0 && style.raw !== false) {
    sets.push({
      label: `~${style.label} raw`,
      data: series.mean,
      borderColor: withAlpha(style.color, style.rawAlpha),
      borderWidth: 1,
      pointRadius: 0,
      fill: false,
      group: style.label,
    });
  }
  sets.push({
    label: style.label,
    data: style.smoothing > 0 ? mapY(series.mean, (ys) => debiasedEma(ys, style.smoothing)) : series.mean,
    borderColor: style.color,
    backgroundColor: style.color,
    borderWidth: 1.8,
    pointRadius: 0,
    fill: false,
  });
  return sets;
}

/** A sparse series (evals) as a line with visible points. */
export function pointsDataset(label: string, data: XY[], color: string, dashed = false): LineDataset {
  return {
    label,
    data,
    borderColor: color,
    backgroundColor: color,
    borderWidth: dashed ? 1.2 : 1.8,
    borderDash: dashed ? [5, 4] : [],
    pointRadius: dashed ? 0 : 2.5,
    fill: false,
  };
}

/** A horizontal reference line across [x0, x1] (a baseline, a target loss). */
export function levelDataset(label: string, y: number, x0: number, x1: number, color: string): LineDataset {
  return pointsDataset(
    label,
    [
      { x: x0, y },
      { x: x1, y },
    ],
    color,
    true,
  );
}
