// Per-step rows, metric series and their points, and the rollups that make long series fast to chart.
//
// Why the x-axes (wall, FLOPs, tokens) are stored on every point instead of joined from `steps`: measured on
// 1M points (bench/store.ts and the design note in series-query.ts), joining costs about 2.5x on raw-window
// queries and makes eval points depend on a step row existing, for 12% slower ingest and 1.8x the file size.
// Why rollups: bucketing 1M raw points takes hundreds of milliseconds in SQLite; the rollup cells (min, max,
// sum, count over aligned blocks of 16, 64, 256, ... steps) let a chart query touch a few thousand rows.
import type { Migration } from './migration.js';

export const migration002: Migration = {
  version: 2,
  name: 'metrics',
  up(db) {
    db.exec(`
      CREATE TABLE steps (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        stage INTEGER NOT NULL,
        -- blocks that ran this step, and the mask: one character per block, "1" ran, "0" bypassed, "-" not grown
        active INTEGER NOT NULL,
        mask TEXT NOT NULL,
        wall_ms REAL NOT NULL,
        flops REAL NOT NULL,
        full_flops REAL NOT NULL,
        tokens REAL NOT NULL,
        PRIMARY KEY (run_id, step)
      ) STRICT, WITHOUT ROWID;

      -- one row per (run, key): points refer to a small integer instead of repeating the run id and key
      CREATE TABLE series (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        UNIQUE (run_id, key)
      ) STRICT;

      CREATE TABLE metric_points (
        series_id INTEGER NOT NULL REFERENCES series (id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        -- NULL when the trainer reported NaN (SQLite stores NaN as NULL anyway)
        value REAL,
        wall_ms REAL NOT NULL,
        flops REAL NOT NULL,
        tokens REAL NOT NULL,
        PRIMARY KEY (series_id, step)
      ) STRICT, WITHOUT ROWID;

      -- block = floor(step / cell_steps); the x columns hold the first and last point of the cell
      CREATE TABLE metric_rollups (
        series_id INTEGER NOT NULL REFERENCES series (id) ON DELETE CASCADE,
        cell_steps INTEGER NOT NULL,
        block INTEGER NOT NULL,
        value_count INTEGER NOT NULL,
        value_min REAL,
        value_max REAL,
        value_sum REAL,
        first_step INTEGER NOT NULL,
        last_step INTEGER NOT NULL,
        first_wall_ms REAL NOT NULL,
        last_wall_ms REAL NOT NULL,
        first_flops REAL NOT NULL,
        last_flops REAL NOT NULL,
        first_tokens REAL NOT NULL,
        last_tokens REAL NOT NULL,
        PRIMARY KEY (series_id, cell_steps, block)
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
