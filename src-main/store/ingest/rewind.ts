// Resuming a run from a checkpoint at step k replays steps after k. What the killed attempt recorded after k
// is dropped first, so every series stays one point per step, in step order, and its rollups stay exact.
import { truncateSeries } from '../rollups.js';
import { cached, type Db } from '../sqlite.js';

/** Deletes a run's steps, points and training events (eval, stage, transition) from `fromStep` on. */
export function truncateRunFrom(db: Db, runId: string, fromStep: number): void {
  db.transaction(() => {
    cached(db, 'DELETE FROM steps WHERE run_id = ? AND step >= ?').run(runId, fromStep);
    const seriesIds = cached<[string], number>(db, 'SELECT id FROM series WHERE run_id = ?')
      .pluck()
      .all(runId);
    for (const seriesId of seriesIds) truncateSeries(db, seriesId, fromStep);
    // Logs, errors, checkpoints and status changes are history of the attempt and stay.
    cached(
      db,
      "DELETE FROM events WHERE run_id = ? AND kind IN ('eval', 'stage', 'transition') AND step >= ?",
    ).run(runId, fromStep);
  }).immediate();
}
