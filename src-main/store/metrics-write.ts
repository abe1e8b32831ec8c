// Appending points to a series outside the ingestor: importing a run bundle, benchmarks. Same rows and
// rollups as the ingestor writes, in one transaction per call.
import { z } from 'zod';
import { parseInput, StoreError, unknownRun } from './errors.js';
import { runExists } from './run-rows.js';
import { RunIdSchema } from './run-schemas.js';
import { bulkInsert } from './bulk-insert.js';
import { addToRollups, POINT_WIDTH, type PointRows } from './rollups.js';
import type { MetricPoint } from './metrics.js';
import { cached, type Db } from './sqlite.js';

const metricValue = z.custom<number | null>((value) => typeof value === 'number' || value === null, {
  error: 'must be a number (or null for NaN)',
});
const x = z.number({ error: 'must be a finite number' }).nonnegative('must be >= 0');
const PointSchema = z.strictObject({
  step: z.number().int('must be a whole number').nonnegative('must be >= 0'),
  value: metricValue,
  wallMs: x,
  flops: x,
  tokens: x,
});
const AppendSchema = z.strictObject({
  runId: RunIdSchema,
  key: z.string().min(1, 'must not be empty').max(200),
  points: z.array(PointSchema),
});

/**
 * Appends points (ascending steps, after the series' last stored step) to a run's series, creating it.
 * Returns the number of points written.
 */
export function appendSeriesPoints(
  db: Db,
  input: { runId: string; key: string; points: readonly MetricPoint[] },
): number {
  const { runId, key, points } = parseInput(AppendSchema, input, 'points');
  return db
    .transaction(() => {
      if (!runExists(db, runId)) throw unknownRun(runId);
      const seriesId = cached<[string, string], number>(
        db,
        `INSERT INTO series (run_id, key) VALUES (?, ?)
         ON CONFLICT (run_id, key) DO UPDATE SET key = excluded.key RETURNING id`,
      )
        .pluck()
        .get(runId, key)!;
      const last = cached<[number], number>(
        db,
        'SELECT step FROM metric_points WHERE series_id = ? ORDER BY step DESC LIMIT 1',
      )
        .pluck()
        .get(seriesId);
      let previous = last ?? -1;
      for (const [index, point] of points.entries()) {
        if (point.step <= previous) {
          throw new StoreError(
            'invalid-input',
            `invalid points: points[${index}].step: ${point.step} is not after step ${previous} of ${key}`,
          );
        }
        previous = point.step;
      }
      const rows: PointRows = [];
      for (const p of points) {
        const value = p.value === null || Number.isNaN(p.value) ? null : p.value;
        rows.push(seriesId, p.step, value, p.wallMs, p.flops, p.tokens);
      }
      bulkInsert(db, 'INSERT', 'metric_points', POINT_WIDTH, rows);
      addToRollups(db, seriesId, rows);
      return points.length;
    })
    .immediate();
}
