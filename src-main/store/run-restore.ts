// Writing back what a run bundle carries, for `raptr import`: the run fields createRun does not take
// (times, archived, the error tail) and the per-step rows. Points, events and checkpoints go through the
// ordinary validated writers (appendSeriesPoints, addEvent, recordCheckpoint). Callers wrap the whole import
// in one transaction so a refused bundle leaves nothing behind.
import { z } from 'zod';
import { parseInput, unknownRun } from './errors.js';
import { RunIdSchema } from './run-schemas.js';
import { cached, type Db } from './sqlite.js';
import type { StepRow } from './step-queries.js';

const time = z.number().int().nonnegative().nullable();
const finite = z.number({ error: 'must be a finite number' }).refine(Number.isFinite, 'must be finite');

const RestoredFieldsSchema = z.strictObject({
  startedAt: time,
  finishedAt: time,
  archived: z.boolean(),
  errorTail: z.string().max(64_000).nullable(),
});
export type RestoredRunFields = z.input<typeof RestoredFieldsSchema>;

export const StepRowSchema = z.strictObject({
  step: z.number().int().nonnegative(),
  stage: z.number().int().nonnegative(),
  active: z.number().int().nonnegative(),
  mask: z.string().regex(/^[01-]*$/, 'must be "0", "1" or "-" per block'),
  wallMs: finite,
  flops: finite,
  fullFlops: finite,
  tokens: finite,
});

export function restoreRunFields(db: Db, runId: string, fields: RestoredRunFields): void {
  const id = parseInput(RunIdSchema, runId, 'runId');
  const f = parseInput(RestoredFieldsSchema, fields, 'run fields');
  const result = cached(
    db,
    'UPDATE runs SET started_at = ?, finished_at = ?, archived = ?, error_tail = ? WHERE id = ?',
  ).run(f.startedAt, f.finishedAt, Number(f.archived), f.errorTail, id);
  if (result.changes === 0) throw unknownRun(id);
}

/** Inserts per-step rows (a run being imported has none yet; a repeated step is refused by the key). */
export function insertSteps(db: Db, runId: string, steps: readonly StepRow[]): void {
  const id = parseInput(RunIdSchema, runId, 'runId');
  const rows = parseInput(z.array(StepRowSchema), steps, 'steps');
  const insert = cached(
    db,
    `INSERT INTO steps (run_id, step, stage, active, mask, wall_ms, flops, full_flops, tokens)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const s of rows)
      insert.run(id, s.step, s.stage, s.active, s.mask, s.wallMs, s.flops, s.fullFlops, s.tokens);
  })();
}
