// Queries over the per-step rows: the recent active-block masks (heatmap) and the latest step (progress).
import { cached, type Db } from './sqlite.js';

export interface StepRow {
  step: number;
  stage: number;
  active: number;
  mask: string;
  wallMs: number;
  flops: number;
  fullFlops: number;
  tokens: number;
}

const STEP_COLUMNS = `step, stage, active, mask, wall_ms AS wallMs, flops, full_flops AS fullFlops, tokens`;

/** The masks of the last `count` steps, oldest first: one row of the heatmap per step. */
export function recentMasks(
  db: Db,
  runId: string,
  count: number,
): Array<Pick<StepRow, 'step' | 'stage' | 'mask'>> {
  const rows = cached<[string, number], Pick<StepRow, 'step' | 'stage' | 'mask'>>(
    db,
    'SELECT step, stage, mask FROM steps WHERE run_id = ? ORDER BY step DESC LIMIT ?',
  ).all(runId, Math.max(0, Math.floor(count)));
  return rows.reverse();
}

/** The newest step row: current step, stage, FLOPs spent and what full training would have spent. */
export function latestStep(db: Db, runId: string): StepRow | undefined {
  return cached<[string], StepRow>(
    db,
    `SELECT ${STEP_COLUMNS} FROM steps WHERE run_id = ? ORDER BY step DESC LIMIT 1`,
  ).get(runId);
}

/** The step row at `step`, or the nearest one before it. */
export function stepAtOrBefore(db: Db, runId: string, step: number): StepRow | undefined {
  return cached<[string, number], StepRow>(
    db,
    `SELECT ${STEP_COLUMNS} FROM steps WHERE run_id = ? AND step <= ? ORDER BY step DESC LIMIT 1`,
  ).get(runId, step);
}

/** The first step row at or after `step`. */
export function stepAtOrAfter(db: Db, runId: string, step: number): StepRow | undefined {
  return cached<[string, number], StepRow>(
    db,
    `SELECT ${STEP_COLUMNS} FROM steps WHERE run_id = ? AND step >= ? ORDER BY step LIMIT 1`,
  ).get(runId, step);
}

/**
 * Each stage's first and last step, found by binary search on the primary key (stages only grow with the
 * step), so a long run costs a few dozen index seeks, not a scan.
 */
export function stageRanges(db: Db, runId: string): Array<{ stage: number; first: number; last: number }> {
  const ranges: Array<{ stage: number; first: number; last: number }> = [];
  const end = latestStep(db, runId);
  let current = stepAtOrAfter(db, runId, Number.MIN_SAFE_INTEGER);
  // Bounded by `end`: another process may append steps of the current stage while this reads, and a stage
  // found again past `end` would be listed twice.
  while (current && end && current.step <= end.step) {
    let lo = current.step;
    let hi = end.step;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (stepAtOrBefore(db, runId, mid)!.stage === current.stage) lo = mid;
      else hi = mid - 1;
    }
    const last = stepAtOrBefore(db, runId, lo)!.step;
    ranges.push({ stage: current.stage, first: current.step, last });
    current = stepAtOrAfter(db, runId, last + 1);
  }
  return ranges;
}
