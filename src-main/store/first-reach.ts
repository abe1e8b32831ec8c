// "How many FLOPs did this run need to reach loss X?" The definition, chosen because it is monotone and
// needs no tuning: the first recorded point whose value is <= target, i.e. where the running minimum of the
// series first reaches the target. `xInterpolated` places the crossing linearly between that point and the
// one before it (useful for sparse eval series). With `smoothing` > 0 the series is first smoothed with
// TensorBoard's debiased EMA (weight = smoothing), which costs a pass over every point.
import { z } from 'zod';
import { parseInput } from './errors.js';
import { findSeriesId, pointAtOrBefore, XAxisSchema, xOf, type MetricPoint, type XAxis } from './metrics.js';
import { CELL_STEPS, LEVEL_FANOUT } from './rollups.js';
import { RunIdSchema } from './run-schemas.js';
import { cached, type Db } from './sqlite.js';

const FirstReachSchema = z.strictObject({
  runId: RunIdSchema,
  key: z.string().min(1).default('eval/loss'),
  target: z.number({ error: 'must be a finite number' }),
  xAxis: XAxisSchema.default('flops'),
  smoothing: z.number().min(0).lt(1, 'must be < 1').default(0),
});
export type FirstReachQuery = z.input<typeof FirstReachSchema>;

export interface FirstReach {
  step: number;
  x: number;
  xInterpolated: number;
  /** The value at the crossing (smoothed when smoothing > 0). */
  value: number;
}

export function firstReach(db: Db, query: FirstReachQuery): FirstReach | null {
  const q = parseInput(FirstReachSchema, query, 'first-reach query');
  const seriesId = findSeriesId(db, q.runId, q.key);
  if (seriesId === undefined) return null;
  if (q.smoothing > 0) return smoothedReach(db, seriesId, q.target, q.xAxis, q.smoothing);
  const point = firstPointAtOrBelow(db, seriesId, q.target);
  if (!point || point.value === null) return null;
  const previous = pointAtOrBefore(db, seriesId, point.step - 1);
  return crossing(previous, previous?.value ?? null, point, point.value, q.target, q.xAxis);
}

/** Descends the rollup levels: the first coarse cell whose min is <= target, then its first such child. */
function firstPointAtOrBelow(db: Db, seriesId: number, target: number): MetricPoint | undefined {
  const firstCell = cached<[number, number, number, number, number], number>(
    db,
    `SELECT block FROM metric_rollups WHERE series_id = ? AND cell_steps = ? AND block BETWEEN ? AND ?
       AND value_min <= ? ORDER BY block LIMIT 1`,
  ).pluck();
  let from = 0;
  let to = Number.MAX_SAFE_INTEGER;
  for (let level = CELL_STEPS.length - 1; level >= 0; level--) {
    const block = firstCell.get(seriesId, CELL_STEPS[level]!, from, to, target);
    if (block === undefined) return undefined;
    from = block * LEVEL_FANOUT;
    to = from + LEVEL_FANOUT - 1;
    if (level === 0) {
      from = block * CELL_STEPS[0];
      to = from + CELL_STEPS[0] - 1;
    }
  }
  return cached<[number, number, number, number], MetricPoint>(
    db,
    `SELECT step, value, wall_ms AS wallMs, flops, tokens FROM metric_points
     WHERE series_id = ? AND step BETWEEN ? AND ? AND value <= ? ORDER BY step LIMIT 1`,
  ).get(seriesId, from, to, target);
}

function smoothedReach(
  db: Db,
  seriesId: number,
  target: number,
  axis: XAxis,
  weight: number,
): FirstReach | null {
  const points = cached<[number], MetricPoint>(
    db,
    'SELECT step, value, wall_ms AS wallMs, flops, tokens FROM metric_points WHERE series_id = ? ORDER BY step',
  );
  let ema = 0;
  let n = 0;
  let previous: { point: MetricPoint; smoothed: number } | undefined;
  for (const point of points.iterate(seriesId)) {
    if (point.value === null || !Number.isFinite(point.value)) continue;
    n++;
    ema = ema * weight + (1 - weight) * point.value;
    const smoothed = ema / (1 - weight ** n);
    if (smoothed <= target)
      return crossing(previous?.point, previous?.smoothed ?? null, point, smoothed, target, axis);
    previous = { point, smoothed };
  }
  return null;
}

function crossing(
  previous: MetricPoint | undefined,
  previousValue: number | null,
  point: MetricPoint,
  value: number,
  target: number,
  axis: XAxis,
): FirstReach {
  const x = xOf(point, axis);
  let xInterpolated = x;
  if (previous && previousValue !== null && Number.isFinite(previousValue) && previousValue > value) {
    const x0 = xOf(previous, axis);
    xInterpolated = x0 + ((previousValue - target) / (previousValue - value)) * (x - x0);
  }
  return { step: point.step, x, xInterpolated, value };
}
