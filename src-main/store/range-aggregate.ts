// Count, min, max and sum of a series over a step range, exact, from rollup cells plus raw edge points:
// the building block of per-stage summaries.
import { findSeriesId } from './metrics.js';
import { CELL_STEPS } from './rollups.js';
import { coverRange, type StepRange } from './series-range.js';
import { cached, type Db } from './sqlite.js';

export interface RangeAggregate {
  count: number;
  min: number | null;
  max: number | null;
  mean: number | null;
}

/** Cells at most this many per range: a stage of 1M steps reads about 1000 rows. */
const MAX_CELLS = 1024;

export function aggregateRange(db: Db, seriesId: number, range: StepRange): RangeAggregate {
  const span = range.last - range.first + 1;
  const cellSteps =
    span <= MAX_CELLS ? 0 : (CELL_STEPS.find((size) => span / size <= MAX_CELLS) ?? CELL_STEPS[7]);
  const cover = coverRange(range, cellSteps);
  const [edge0, edge1] = [...cover.rawEdges, [1, 0] as [number, number], [1, 0] as [number, number]];
  const [blockFrom, blockTo] = cover.blocks ?? [1, 0];
  const raw = (n: number) => `SELECT value AS lo, value AS hi, value AS total, 1 AS n FROM metric_points
    WHERE series_id = @series AND step BETWEEN @from${n} AND @to${n} AND value IS NOT NULL`;
  const row = cached<[Record<string, number>], [number, number | null, number | null, number | null]>(
    db,
    `SELECT coalesce(sum(n), 0), min(lo), max(hi), sum(total) FROM (
       SELECT value_min AS lo, value_max AS hi, value_sum AS total, value_count AS n FROM metric_rollups
       WHERE series_id = @series AND cell_steps = @cellSteps AND block BETWEEN @blockFrom AND @blockTo
         AND value_count > 0
       UNION ALL ${raw(0)} UNION ALL ${raw(1)})`,
  )
    .raw()
    .get({
      series: seriesId,
      cellSteps,
      blockFrom,
      blockTo,
      from0: edge0![0],
      to0: edge0![1],
      from1: edge1![0],
      to1: edge1![1],
    })!;
  const [count, min, max, sum] = row;
  return { count, min, max, mean: count > 0 && sum !== null ? sum / count : null };
}

/** The mean of one of a run's series over steps first..last (inclusive); null when nothing was recorded. */
export function meanOverSteps(
  db: Db,
  runId: string,
  key: string,
  first: number,
  last: number,
): number | null {
  const seriesId = findSeriesId(db, runId, key);
  if (seriesId === undefined || last < first) return null;
  return aggregateRange(db, seriesId, { first, last }).mean;
}
