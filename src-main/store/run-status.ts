// Run lifecycle writes. The run manager decides which transitions happen; the store records them with their
// times and a status event, in one transaction.
import { parseInput, unknownRun } from './errors.js';
import { insertEventRow } from './events.js';
import { RunIdSchema, StatusChangeSchema, type RunStatus, type StatusChange } from './run-schemas.js';
import { cached, type Db } from './sqlite.js';

const FINISHED: ReadonlySet<RunStatus> = new Set(['stopped', 'completed', 'failed', 'interrupted']);

/** Sets the status; stamps started_at on the first 'running' and finished_at on a final status. */
export function setRunStatus(db: Db, runId: string, change: StatusChange): void {
  const id = parseInput(RunIdSchema, runId, 'runId');
  const next = parseInput(StatusChangeSchema, change, 'status change');
  const at = next.at ?? Date.now();
  db.transaction(() => {
    const current = cached<[string], { status: RunStatus }>(db, 'SELECT status FROM runs WHERE id = ?').get(
      id,
    );
    if (!current) throw unknownRun(id);
    cached(
      db,
      `UPDATE runs SET status = ?,
         started_at = CASE WHEN ? = 'running' THEN coalesce(started_at, ?) ELSE started_at END,
         finished_at = CASE WHEN ? THEN ? WHEN ? = 'running' THEN NULL ELSE finished_at END,
         error_tail = CASE WHEN ? THEN ? ELSE error_tail END
       WHERE id = ?`,
    ).run(
      next.status,
      next.status,
      at,
      Number(FINISHED.has(next.status)),
      at,
      next.status,
      Number(next.errorTail !== undefined),
      next.errorTail ?? null,
      id,
    );
    const payload = { from: current.status, to: next.status };
    insertEventRow(db, id, null, 'status', JSON.stringify(payload), at);
  }).immediate();
}

/**
 * Start-up recovery: runs left 'running' or 'stopping' by a crash of the app become 'interrupted' (they
 * can be resumed from their last checkpoint). Returns their ids. Call before any trainer is started.
 */
export function markInterruptedRuns(db: Db, at: number = Date.now()): string[] {
  return db
    .transaction(() => {
      const ids = cached<[], string>(
        db,
        "SELECT id FROM runs WHERE status IN ('running', 'stopping') ORDER BY id",
      )
        .pluck()
        .all();
      for (const id of ids) setRunStatus(db, id, { status: 'interrupted', at });
      return ids;
    })
    .immediate();
}
