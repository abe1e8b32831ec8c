// One number per series for a runs table: its final value, and its best (lowest, or highest for metrics
// where higher is better). Both are single index reads: the final point by primary key, the extremes from
// the coarsest rollup level, whose cells hold every point of the series.
import { CELL_STEPS } from './rollups.js';
import { findSeriesId } from './metrics.js';
import { cached, type Db } from './sqlite.js';

const COARSEST = CELL_STEPS[CELL_STEPS.length - 1]!;

/** Every series key any run recorded, sorted. */
export function allSeriesKeys(db: Db): string[] {
  return cached<[], string>(db, 'SELECT DISTINCT key FROM series ORDER BY key').pluck().all();
}

/** The last recorded value (null when NaN or when the run has no such series). */
export function finalValue(db: Db, runId: string, key: string): number | null {
  const id = findSeriesId(db, runId, key);
  if (id === undefined) return null;
  return (
    cached<[number], number | null>(
      db,
      'SELECT value FROM metric_points WHERE series_id = ? ORDER BY step DESC LIMIT 1',
    )
      .pluck()
      .get(id) ?? null
  );
}

/** The smallest and largest finite values of a series; null when it has none. */
export function valueRange(db: Db, runId: string, key: string): { min: number; max: number } | null {
  const id = findSeriesId(db, runId, key);
  if (id === undefined) return null;
  const row = cached<[number, number], { min: number | null; max: number | null }>(
    db,
    `SELECT min(value_min) AS min, max(value_max) AS max FROM metric_rollups
     WHERE series_id = ? AND cell_steps = ?`,
  ).get(id, COARSEST);
  return row && row.min !== null && row.max !== null ? { min: row.min, max: row.max } : null;
}
