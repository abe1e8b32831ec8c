// Checkpoints a run wrote: where, how big, their sha256 (checked before loading), and the eval loss at that
// step when one was measured, so retention can keep the best.
import { z } from 'zod';
import { parseInput } from './errors.js';
import { RunIdSchema } from './run-schemas.js';
import { cached, type Db } from './sqlite.js';
import type { Checkpoint } from '../../shared/api-types.js';

export type { Checkpoint };

export const NewCheckpointSchema = z.strictObject({
  runId: RunIdSchema,
  step: z.number().int('must be a whole number').nonnegative(),
  path: z.string().min(1, 'must not be empty'),
  bytes: z.number().int('must be a whole number').nonnegative(),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/i, 'must be 64 hex digits')
    .transform((hash) => hash.toLowerCase()),
  evalLoss: z.number().nullable().default(null),
  createdAt: z.number().int().nonnegative().optional(),
});
export type NewCheckpoint = z.input<typeof NewCheckpointSchema>;

const CHECKPOINT_COLUMNS = `id, run_id AS runId, step, path, bytes, sha256, eval_loss AS evalLoss,
  created_at AS createdAt`;

/** Records a checkpoint; a second one at the same step of the same run replaces the first. */
export function recordCheckpoint(db: Db, input: NewCheckpoint): Checkpoint {
  const c = parseInput(NewCheckpointSchema, input, 'checkpoint');
  return cached<unknown[], Checkpoint>(
    db,
    `INSERT INTO checkpoints (run_id, step, path, bytes, sha256, eval_loss, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, step) DO UPDATE SET path = excluded.path, bytes = excluded.bytes,
       sha256 = excluded.sha256, eval_loss = coalesce(excluded.eval_loss, eval_loss),
       created_at = excluded.created_at
     RETURNING ${CHECKPOINT_COLUMNS}`,
  ).get(c.runId, c.step, c.path, c.bytes, c.sha256, c.evalLoss, c.createdAt ?? Date.now())!;
}

/** Oldest step first. */
export function listCheckpoints(db: Db, runId: string): Checkpoint[] {
  return cached<[string], Checkpoint>(
    db,
    `SELECT ${CHECKPOINT_COLUMNS} FROM checkpoints WHERE run_id = ? ORDER BY step`,
  ).all(runId);
}

/** What `raptr resume` starts from. */
export function latestCheckpoint(db: Db, runId: string): Checkpoint | undefined {
  return cached<[string], Checkpoint>(
    db,
    `SELECT ${CHECKPOINT_COLUMNS} FROM checkpoints WHERE run_id = ? ORDER BY step DESC LIMIT 1`,
  ).get(runId);
}

/** The checkpoint with the lowest eval loss (ties: the later one), for retention and export. */
export function bestCheckpoint(db: Db, runId: string): Checkpoint | undefined {
  return cached<[string], Checkpoint>(
    db,
    `SELECT ${CHECKPOINT_COLUMNS} FROM checkpoints WHERE run_id = ? AND eval_loss IS NOT NULL
     ORDER BY eval_loss, step DESC LIMIT 1`,
  ).get(runId);
}

/** Sets the eval loss measured at a checkpoint's step (evals may arrive after the checkpoint message). */
export function setCheckpointEvalLoss(db: Db, runId: string, step: number, evalLoss: number): boolean {
  const loss = parseInput(z.number({ error: 'must be a finite number' }), evalLoss, 'evalLoss');
  const result = cached(db, 'UPDATE checkpoints SET eval_loss = ? WHERE run_id = ? AND step = ?');
  return result.run(loss, runId, step).changes > 0;
}

/** Forgets a checkpoint row (retention deletes the files, then calls this). */
export function deleteCheckpoint(db: Db, checkpointId: number): boolean {
  return cached(db, 'DELETE FROM checkpoints WHERE id = ?').run(checkpointId).changes > 0;
}
