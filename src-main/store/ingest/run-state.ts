// What the ingestor remembers per run between messages: the last step (to notice a replay after resume),
// the last x values (to place eval points on every x-axis) and each series' last step. Loaded from the database the first time a run is seen, so an
// ingestor started after a crash continues where the stored rows end.
import { cached, type Db } from '../sqlite.js';

export interface XSnapshot {
  step: number;
  wallMs: number;
  flops: number;
  tokens: number;
}

export interface RunState {
  lastStep: number | null;
  lastX: XSnapshot | null;
  /** Last step per series key, stored or pending; loaded lazily. */
  readonly seriesLastStep: Map<string, number | null>;
  /** The latest eval/loss, to fill in a checkpoint's eval loss at the same step. */
  lastEvalLoss: { step: number; value: number } | null;
}

interface LastStepRow {
  step: number;
  wallMs: number;
  flops: number;
  tokens: number;
}

export function loadRunState(db: Db, runId: string): RunState {
  const last = cached<[string], LastStepRow>(
    db,
    `SELECT step, wall_ms AS wallMs, flops, tokens FROM steps
     WHERE run_id = ? ORDER BY step DESC LIMIT 1`,
  ).get(runId);
  return {
    lastStep: last?.step ?? null,
    lastX: last ? { step: last.step, wallMs: last.wallMs, flops: last.flops, tokens: last.tokens } : null,
    seriesLastStep: new Map(),
    lastEvalLoss: null,
  };
}

export function storedSeriesLastStep(db: Db, runId: string, key: string): number | null {
  const step = cached<[string, string], number>(
    db,
    `SELECT step FROM metric_points WHERE series_id = (SELECT id FROM series WHERE run_id = ? AND key = ?)
     ORDER BY step DESC LIMIT 1`,
  )
    .pluck()
    .get(runId, key);
  return step ?? null;
}

/** The x values at the last step row at or before `step` (eval points placed on the x-axes). */
export function storedXAt(db: Db, runId: string, step: number): XSnapshot | undefined {
  return cached<[string, number], XSnapshot>(
    db,
    `SELECT step, wall_ms AS wallMs, flops, tokens FROM steps WHERE run_id = ? AND step <= ?
     ORDER BY step DESC LIMIT 1`,
  ).get(runId, step);
}
