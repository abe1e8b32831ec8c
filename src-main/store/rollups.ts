// Rollup cells: for every series, min / max / sum / count of the values over aligned blocks of 16, 64, 256, ...
// steps (block = floor(step / cellSteps)), with the first and last x of each cell. Levels grow by 4, so a
// cell of one level is exactly four cells of the level below, and a chart query can always find a level
// with between 2 and 8 cells per bucket.
import { cached, type Db } from './sqlite.js';

export const CELL_STEPS = [16, 64, 256, 1024, 4096, 16384, 65536, 262144] as const;
export const LEVEL_FANOUT = 4;

/**
 * Points as metric_points rows laid end to end, POINT_WIDTH values each: series id, step, value (null for
 * NaN), wall ms, FLOPs, tokens. Flat arrays, not objects: the ingestor queues millions of them.
 */
export type PointRows = Array<number | null>;
export const POINT_WIDTH = 6;
const STEP = 1;
const VALUE = 2;
const WALL = 3;
const FLOPS = 4;
const TOKENS = 5;

// NULL-safe min and max: SQLite's two-argument min() is NULL when either side is.
const UPSERT_CELL = `
  INSERT INTO metric_rollups (series_id, cell_steps, block, value_count, value_min, value_max, value_sum,
    first_step, last_step, first_wall_ms, last_wall_ms, first_flops, last_flops, first_tokens, last_tokens)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (series_id, cell_steps, block) DO UPDATE SET
    value_count = value_count + excluded.value_count,
    value_min = min(coalesce(value_min, excluded.value_min), coalesce(excluded.value_min, value_min)),
    value_max = max(coalesce(value_max, excluded.value_max), coalesce(excluded.value_max, value_max)),
    value_sum = value_sum + excluded.value_sum,
    last_step = excluded.last_step,
    last_wall_ms = excluded.last_wall_ms,
    last_flops = excluded.last_flops,
    last_tokens = excluded.last_tokens`;

/**
 * Folds rows appended to a series (ascending steps, all after the series' stored points) into the cells
 * of every level. Must run in the same transaction as the point inserts.
 */
export function addToRollups(db: Db, seriesId: number, rows: PointRows): void {
  const upsert = cached(db, UPSERT_CELL);
  const stepAt = (row: number) => rows[row * POINT_WIDTH + STEP] as number;
  const count = rows.length / POINT_WIDTH;
  for (const cellSteps of CELL_STEPS) {
    let start = 0;
    while (start < count) {
      const block = Math.floor(stepAt(start) / cellSteps);
      let end = start + 1;
      while (end < count && Math.floor(stepAt(end) / cellSteps) === block) end++;
      let values = 0;
      let min = Infinity;
      let max = -Infinity;
      let sum = 0;
      for (let row = start; row < end; row++) {
        const value = rows[row * POINT_WIDTH + VALUE] as number | null;
        if (value === null || Number.isNaN(value)) continue;
        values++;
        if (value < min) min = value;
        if (value > max) max = value;
        sum += value;
      }
      const first = start * POINT_WIDTH;
      const last = (end - 1) * POINT_WIDTH;
      upsert.run(
        seriesId,
        cellSteps,
        block,
        values,
        values > 0 ? min : null,
        values > 0 ? max : null,
        Number.isNaN(sum) ? null : sum,
        rows[first + STEP],
        rows[last + STEP],
        rows[first + WALL],
        rows[last + WALL],
        rows[first + FLOPS],
        rows[last + FLOPS],
        rows[first + TOKENS],
        rows[last + TOKENS],
      );
      start = end;
    }
  }
}

/**
 * Removes a series' points from `fromStep` on and rebuilds the one partial cell per level that straddled
 * it, bottom-up: the finest from raw points, each coarser one from the four cells below it.
 */
export function truncateSeries(db: Db, seriesId: number, fromStep: number): void {
  cached(db, 'DELETE FROM metric_points WHERE series_id = ? AND step >= ?').run(seriesId, fromStep);
  const deleteCells = cached(
    db,
    'DELETE FROM metric_rollups WHERE series_id = ? AND cell_steps = ? AND block >= ?',
  );
  for (const cellSteps of CELL_STEPS) deleteCells.run(seriesId, cellSteps, Math.floor(fromStep / cellSteps));
  const rebuildFromPoints = cached(
    db,
    `INSERT INTO metric_rollups SELECT series_id, ?, ?, count(value), min(value), max(value), total(value),
       min(step), max(step), min(wall_ms), max(wall_ms), min(flops), max(flops), min(tokens), max(tokens)
     FROM metric_points WHERE series_id = ? AND step BETWEEN ? AND ? GROUP BY series_id`,
  );
  const rebuildFromCells = cached(
    db,
    `INSERT INTO metric_rollups SELECT series_id, ?, ?, sum(value_count), min(value_min), max(value_max),
       total(value_sum), min(first_step), max(last_step), min(first_wall_ms), max(last_wall_ms),
       min(first_flops), max(last_flops), min(first_tokens), max(last_tokens)
     FROM metric_rollups WHERE series_id = ? AND cell_steps = ? AND block BETWEEN ? AND ? GROUP BY series_id`,
  );
  CELL_STEPS.forEach((cellSteps, level) => {
    if (fromStep % cellSteps === 0) return;
    const block = Math.floor(fromStep / cellSteps);
    if (level === 0) {
      rebuildFromPoints.run(cellSteps, block, seriesId, block * cellSteps, fromStep - 1);
    } else {
      const below = CELL_STEPS[level - 1]!;
      const firstBelow = block * LEVEL_FANOUT;
      rebuildFromCells.run(cellSteps, block, seriesId, below, firstBelow, firstBelow + LEVEL_FANOUT - 1);
    }
  });
}
