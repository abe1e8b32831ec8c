// Chart queries: per key, per bucket, min / max / mean / count and the first and last x that fell in it, over
// any x-axis and x-range. Long ranges read rollup cells (see rollups.ts) plus the raw points at the two
// edges; short ranges read raw points; a range holding fewer points than buckets comes back point by point.
//
// Bucketing is exact on the step axis (bucket width is a whole number of cells, aligned to them). On the
// real-valued axes a whole cell goes to the bucket of its first x; with 2-8 cells per bucket a point can land
// one bucket early (never outside the requested range: edge cells are read as raw points).
import { z } from 'zod';
import { parseInput } from './errors.js';
import { findSeriesId, readPoints, X_COLUMNS, XAxisSchema, xOf, type XAxis } from './metrics.js';
import { RunIdSchema } from './run-schemas.js';
import {
  bucketGeometry,
  chooseCellSteps,
  coverRange,
  seriesExtent,
  stepsWithin,
  type Geometry,
  type StepRange,
} from './series-range.js';
import { cached, type Db } from './sqlite.js';
import type { SeriesResult } from '../../shared/api-types.js';

export type { SeriesResult };

export const SeriesQuerySchema = z.strictObject({
  runId: RunIdSchema,
  keys: z.array(z.string().min(1)).min(1, 'give at least one key').max(64),
  xAxis: XAxisSchema.default('step'),
  range: z
    .tuple([z.number(), z.number()])
    .refine(([x0, x1]) => x0 <= x1, 'range must be [x0, x1] with x0 <= x1')
    .optional(),
  buckets: z.number().int('must be a whole number').min(1).max(20_000).default(1000),
});
export type SeriesQuery = z.input<typeof SeriesQuerySchema>;

export function series(db: Db, query: SeriesQuery): SeriesResult[] {
  const q = parseInput(SeriesQuerySchema, query, 'series query');
  return q.keys.map((key) => seriesForKey(db, q.runId, key, q.xAxis, q.range, q.buckets));
}

function seriesForKey(
  db: Db,
  runId: string,
  key: string,
  axis: XAxis,
  requested: [number, number] | undefined,
  buckets: number,
): SeriesResult {
  const result = emptyResult(key);
  const seriesId = findSeriesId(db, runId, key);
  const extent = seriesId === undefined ? undefined : seriesExtent(db, seriesId);
  if (seriesId === undefined || extent === undefined) return result;
  const range = requested ? stepsWithin(db, seriesId, extent, axis, ...requested) : extent;
  if (!range) return result;
  if (countUpTo(db, seriesId, range, buckets + 1) <= buckets)
    return rawResult(db, key, seriesId, range, axis);
  const cellSteps = chooseCellSteps(range, buckets);
  const geometry = bucketGeometry(db, seriesId, range, axis, requested, buckets, cellSteps);
  const rows = aggregate(db, seriesId, range, axis, cellSteps, geometry);
  result.mode = 'buckets';
  result.cellSteps = cellSteps;
  result.width = geometry.width;
  for (const [index, min, max, sum, count, xFirst, xLast] of rows) {
    result.x.push(geometry.origin + index * geometry.width);
    result.min.push(min);
    result.max.push(max);
    // A sum is NULL only when +Infinity and -Infinity met in one bucket: its mean is undefined.
    result.mean.push(sum === null ? Number.NaN : sum / count);
    result.count.push(count);
    result.xFirst.push(xFirst);
    result.xLast.push(xLast);
  }
  return result;
}

type BucketRow = [
  index: number,
  min: number,
  max: number,
  sum: number | null,
  count: number,
  xFirst: number,
  xLast: number,
];

function aggregate(
  db: Db,
  seriesId: number,
  range: StepRange,
  axis: XAxis,
  cellSteps: number,
  g: Geometry,
): BucketRow[] {
  const x = X_COLUMNS[axis];
  // Integers must be bound as integers (better-sqlite3 binds every JS number as a double): CAST them.
  const bucketOf = (column: string) =>
    g.integral
      ? `((${column} - CAST(@origin AS INTEGER)) / CAST(@width AS INTEGER))`
      : `max(0, min(@lastBucket, CAST((${column} - @origin) / @width AS INTEGER)))`;
  const cover = coverRange(range, cellSteps);
  const edges = [...cover.rawEdges, [1, 0], [1, 0]].slice(0, 2) as Array<[number, number]>;
  const rawPart = (n: number) => `
    SELECT ${bucketOf(x.point)} AS b, value AS lo, value AS hi, value AS total, 1 AS n,
      ${x.point} AS xa, ${x.point} AS xb
    FROM metric_points WHERE series_id = @series AND step BETWEEN @rawFrom${n} AND @rawTo${n} AND value IS NOT NULL`;
  const sql = `
    SELECT b, min(lo), max(hi), sum(total), sum(n), min(xa), max(xb) FROM (
      SELECT ${bucketOf(x.first)} AS b, value_min AS lo, value_max AS hi, value_sum AS total, value_count AS n,
        ${x.first} AS xa, ${x.last} AS xb
      FROM metric_rollups WHERE series_id = @series AND cell_steps = @cellSteps
        AND block BETWEEN @blockFrom AND @blockTo AND value_count > 0
      UNION ALL ${rawPart(0)}
      UNION ALL ${rawPart(1)}
    ) GROUP BY b ORDER BY b`;
  const [blockFrom, blockTo] = cover.blocks ?? [1, 0];
  return cached(db, sql)
    .raw()
    .all({
      series: seriesId,
      cellSteps,
      blockFrom,
      blockTo,
      rawFrom0: edges[0]![0],
      rawTo0: edges[0]![1],
      rawFrom1: edges[1]![0],
      rawTo1: edges[1]![1],
      origin: g.origin,
      width: g.width,
      ...(g.integral ? {} : { lastBucket: g.buckets - 1 }),
    }) as BucketRow[];
}

/** Counts points in the range but stops at `cap`: deciding "fewer than N?" never scans a long series. */
function countUpTo(db: Db, seriesId: number, range: StepRange, cap: number): number {
  return cached<[number, number, number, number], number>(
    db,
    `SELECT count(*) FROM (SELECT 1 FROM metric_points
       WHERE series_id = ? AND step BETWEEN ? AND ? AND value IS NOT NULL LIMIT ?)`,
  )
    .pluck()
    .get(seriesId, range.first, range.last, cap)!;
}

function rawResult(db: Db, key: string, seriesId: number, range: StepRange, axis: XAxis): SeriesResult {
  const result = emptyResult(key);
  result.mode = 'raw';
  for (const point of readPoints(db, seriesId, range.first, range.last)) {
    if (point.value === null) continue;
    const x = xOf(point, axis);
    result.x.push(x);
    result.min.push(point.value);
    result.max.push(point.value);
    result.mean.push(point.value);
    result.count.push(1);
    result.xFirst.push(x);
    result.xLast.push(x);
  }
  return result;
}

function emptyResult(key: string): SeriesResult {
  return {
    key,
    mode: 'empty',
    cellSteps: 0,
    width: 0,
    x: [],
    min: [],
    max: [],
    mean: [],
    count: [],
    xFirst: [],
    xLast: [],
  };
}
