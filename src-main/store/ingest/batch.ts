// Rows waiting to be written, and the one transaction that writes them. A batch is all or nothing: a crash
// or an error mid-write leaves none of its rows behind.
import type { EventKind } from '../events.js';
import { insertEventRow } from '../events.js';
import { bulkInsert } from '../bulk-insert.js';
import { addToRollups, POINT_WIDTH, type PointRows } from '../rollups.js';
import { cached, type Db } from '../sqlite.js';
import type { SeriesIds } from './series-ids.js';

/** The x values of a point: where it sits on the wall-time, FLOPs and tokens axes. */
export interface XValues {
  wallMs: number;
  flops: number;
  tokens: number;
}

export type StepRow = [
  runId: string,
  step: number,
  stage: number,
  active: number,
  mask: string,
  wallMs: number,
  flops: number,
  fullFlops: number,
  tokens: number,
];

interface PendingSeries {
  runId: string;
  key: string;
  /** metric_points rows, the series id left 0 until the flush knows it. */
  rows: PointRows;
}

interface PendingEvent {
  runId: string;
  step: number | null;
  kind: EventKind;
  payload: string;
  time: number;
}

interface PendingCheckpoint {
  runId: string;
  step: number;
  path: string;
  bytes: number;
  sha256: string;
  evalLoss: number | null;
  time: number;
}

export class PendingBatch {
  readonly steps: StepRow[] = [];
  /** Keyed by run id + "\0" + key; points stay in arrival order, which is step order. */
  readonly series = new Map<string, PendingSeries>();
  readonly events: PendingEvent[] = [];
  readonly checkpoints: PendingCheckpoint[] = [];
  readonly evalLosses: Array<[runId: string, step: number, loss: number]> = [];
  rows = 0;

  addPoint(runId: string, key: string, step: number, value: number | null, x: XValues): void {
    const id = `${runId}\0${key}`;
    let pending = this.series.get(id);
    if (!pending) {
      pending = { runId, key, rows: [] };
      this.series.set(id, pending);
    }
    pending.rows.push(0, step, value, x.wallMs, x.flops, x.tokens);
    this.rows++;
  }

  addStep(row: StepRow): void {
    this.steps.push(row);
    this.rows++;
  }

  addEvent(event: PendingEvent): void {
    this.events.push(event);
    this.rows++;
  }

  addCheckpoint(checkpoint: PendingCheckpoint): void {
    this.checkpoints.push(checkpoint);
    this.rows++;
  }

  /** Removes every row of one run (its trainer failed and what it sent cannot be written). */
  dropRun(runId: string): void {
    const keep = <T>(rows: T[], owner: (row: T) => string) => {
      const kept = rows.filter((row) => owner(row) !== runId);
      this.rows -= rows.length - kept.length;
      rows.splice(0, rows.length, ...kept);
    };
    keep(this.steps, (row) => row[0]);
    keep(this.events, (event) => event.runId);
    keep(this.checkpoints, (checkpoint) => checkpoint.runId);
    const losses = this.evalLosses.filter(([owner]) => owner !== runId);
    this.evalLosses.splice(0, this.evalLosses.length, ...losses);
    for (const [id, pending] of this.series) {
      if (pending.runId !== runId) continue;
      this.rows -= pending.rows.length / POINT_WIDTH;
      this.series.delete(id);
    }
  }

  runIds(): Set<string> {
    const ids = new Set<string>();
    for (const row of this.steps) ids.add(row[0]);
    for (const pending of this.series.values()) ids.add(pending.runId);
    for (const event of this.events) ids.add(event.runId);
    for (const checkpoint of this.checkpoints) ids.add(checkpoint.runId);
    return ids;
  }
}

/**
 * Writes a batch in one transaction. Rows of runs deleted since they were queued are skipped (their ids
 * are returned) rather than failing the whole batch on a foreign key.
 */
export function writeBatch(db: Db, batch: PendingBatch, seriesIds: SeriesIds): { goneRuns: string[] } {
  return db
    .transaction(() => {
      const exists = cached(db, 'SELECT 1 FROM runs WHERE id = ?');
      const gone = new Set([...batch.runIds()].filter((id) => exists.get(id) === undefined));
      const live = (runId: string) => !gone.has(runId);

      const stepValues = batch.steps.filter((row) => live(row[0])).flat();
      bulkInsert(db, 'INSERT OR REPLACE', 'steps', 9, stepValues);

      for (const pending of batch.series.values()) {
        if (!live(pending.runId)) continue;
        const seriesId = seriesIds.resolve(pending.runId, pending.key);
        for (let i = 0; i < pending.rows.length; i += POINT_WIDTH) pending.rows[i] = seriesId;
        bulkInsert(db, 'INSERT', 'metric_points', POINT_WIDTH, pending.rows);
        addToRollups(db, seriesId, pending.rows);
      }

      for (const e of batch.events)
        if (live(e.runId)) insertEventRow(db, e.runId, e.step, e.kind, e.payload, e.time);

      const upsertCheckpoint = cached(
        db,
        `INSERT INTO checkpoints (run_id, step, path, bytes, sha256, eval_loss, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_id, step) DO UPDATE SET path = excluded.path, bytes = excluded.bytes,
           sha256 = excluded.sha256, eval_loss = coalesce(excluded.eval_loss, eval_loss),
           created_at = excluded.created_at`,
      );
      for (const c of batch.checkpoints) {
        if (live(c.runId))
          upsertCheckpoint.run(c.runId, c.step, c.path, c.bytes, c.sha256, c.evalLoss, c.time);
      }
      const setLoss = cached(db, 'UPDATE checkpoints SET eval_loss = ? WHERE run_id = ? AND step = ?');
      for (const [runId, step, loss] of batch.evalLosses) if (live(runId)) setLoss.run(loss, runId, step);
      return { goneRuns: [...gone] };
    })
    .immediate();
}
