// Turns min/max buckets from metrics:series into what a chart draws: a band between each bucket's min and
// max (so a one-step spike stays visible however far the chart is zoomed out) and a line through the means.
// Live steps that arrive after the fetch are appended as raw points (min = max = mean).
import type { SeriesResult } from '../../../shared/api-types.js';

export interface XY {
  x: number;
  y: number;
}

export interface BandSeries {
  /** Bucket centres (raw mode: the point's x). */
  mean: XY[];
  min: XY[];
  max: XY[];
  /** The last x covered by the fetched data; live points are appended past it. */
  lastX: number;
}

export function emptyBand(): BandSeries {
  return { mean: [], min: [], max: [], lastX: Number.NEGATIVE_INFINITY };
}

/**
 * One point per bucket at the middle of the x values that really fell in it (xFirst..xLast), not at the
 * bucket's nominal start: a bucket only partly filled (the live edge of a run) then sits where its data is.
 * Buckets whose mean is NaN (no finite value) are skipped.
 */
export function bandFromSeries(result: SeriesResult): BandSeries {
  const band = emptyBand();
  for (let i = 0; i < result.x.length; i++) {
    const mean = result.mean[i]!;
    if (!Number.isFinite(mean)) continue;
    const first = result.xFirst[i] ?? result.x[i]!;
    const last = result.xLast[i] ?? first;
    const x = result.mode === 'raw' ? result.x[i]! : (first + last) / 2;
    band.mean.push({ x, y: mean });
    band.min.push({ x, y: result.min[i]! });
    band.max.push({ x, y: result.max[i]! });
    band.lastX = Math.max(band.lastX, last);
  }
  return band;
}

/** Appends raw live points whose x lies past what the fetch covered (older ones are already in a bucket). */
export function appendLivePoints(band: BandSeries, points: readonly XY[]): BandSeries {
  const fresh = points.filter((p) => p.x > band.lastX && Number.isFinite(p.y));
  if (fresh.length === 0) return band;
  return {
    mean: band.mean.concat(fresh),
    min: band.min.concat(fresh),
    max: band.max.concat(fresh),
    lastX: fresh[fresh.length - 1]!.x,
  };
}

/** Smooths a line's y values, keeping its x values. */
export function mapY(points: readonly XY[], f: (ys: number[]) => number[]): XY[] {
  const ys = f(points.map((p) => p.y));
  return points.map((p, i) => ({ x: p.x, y: ys[i]! }));
}

/** Whether any value is <= 0 (a log axis cannot show it). */
export function hasNonPositive(points: readonly XY[]): boolean {
  return points.some((p) => p.y <= 0);
}
