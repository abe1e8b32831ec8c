// Creating, reading, editing and deleting runs. Every write validates its input first (zod) and runs in one
// transaction, so a refused or failed call leaves the stored rows as they were.
import { parseInput, StoreError, unknownRun } from './errors.js';
import { newRunId } from './ids.js';
import { replaceTags, runExists, selectRun } from './run-rows.js';
import {
  EnvironmentSchema,
  NewRunSchema,
  RunIdSchema,
  RunPatchSchema,
  type NewRun,
  type Run,
  type RunPatch,
} from './run-schemas.js';
import { cached, type Db } from './sqlite.js';

export function createRun(db: Db, input: NewRun): Run {
  const run = parseInput(NewRunSchema, input, 'run');
  const policy = run.policy ?? nestedString(run.config, 'policy', 'kind');
  if (policy === undefined) {
    throw new StoreError('invalid-input', 'invalid run: run.policy: give it, or a config with policy.kind');
  }
  const seed = run.seed !== undefined ? run.seed : (nestedNumber(run.config, 'training', 'seed') ?? null);
  const id = run.id ?? newRunId();
  db.transaction(() => {
    if (run.parentRunId !== null && !runExists(db, run.parentRunId)) {
      throw new StoreError(
        'invalid-input',
        `invalid run: run.parentRunId: no run with id "${run.parentRunId}"`,
      );
    }
    if (runExists(db, id))
      throw new StoreError('invalid-input', `invalid run: run.id: "${id}" already exists`);
    cached(
      db,
      `INSERT INTO runs (id, name, status, config, preset, policy, created_at, backend, device, seed,
         app_version, corpus_fingerprint, notes, parent_run_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      run.name,
      run.status,
      JSON.stringify(run.config),
      run.preset,
      policy,
      run.createdAt ?? Date.now(),
      run.backend,
      run.device,
      seed,
      run.appVersion,
      run.corpusFingerprint,
      run.notes,
      run.parentRunId,
    );
    replaceTags(db, id, run.tags);
  }).immediate();
  return mustGetRun(db, id);
}

export function getRun(db: Db, runId: string): Run | undefined {
  return selectRun(db, runId);
}

/** Like getRun, but an unknown id is an error with a clear message (CLI: `raptr show nosuchid`). */
export function mustGetRun(db: Db, runId: string): Run {
  const run = selectRun(db, runId);
  if (!run) throw unknownRun(runId);
  return run;
}

/** Renames, retags, re-notes or (un)archives a run. */
export function updateRun(db: Db, runId: string, patch: RunPatch): Run {
  const id = parseInput(RunIdSchema, runId, 'runId');
  const change = parseInput(RunPatchSchema, patch, 'run patch');
  db.transaction(() => {
    if (!runExists(db, id)) throw unknownRun(id);
    const set = cached(
      db,
      `UPDATE runs SET name = coalesce(?, name), notes = coalesce(?, notes), archived = coalesce(?, archived)
       WHERE id = ?`,
    );
    const archived = change.archived === undefined ? null : Number(change.archived);
    set.run(change.name ?? null, change.notes ?? null, archived, id);
    if (change.tags !== undefined) replaceTags(db, id, change.tags);
  }).immediate();
  return mustGetRun(db, id);
}

/** Records what the trainer reported it runs on (backend name, device label). */
export function setRunEnvironment(
  db: Db,
  runId: string,
  environment: { backend: string; device: string; corpusFingerprint?: string | null },
): void {
  const env = parseInput(EnvironmentSchema, environment, 'environment');
  const result = cached(
    db,
    'UPDATE runs SET backend = ?, device = ?, corpus_fingerprint = coalesce(?, corpus_fingerprint) WHERE id = ?',
  ).run(env.backend, env.device, env.corpusFingerprint ?? null, runId);
  if (result.changes === 0) throw unknownRun(runId);
}

/**
 * Deletes a run and every row that belongs to it, in one transaction. Children keep existing with their
 * parent link cleared. Returns false when there was no such run.
 */
export function deleteRun(db: Db, runId: string): boolean {
  return db
    .transaction(() => {
      if (!runExists(db, runId)) return false;
      // Explicit deletes, biggest tables first, each by its primary-key prefix; the cascades then find nothing.
      const seriesOfRun = 'SELECT id FROM series WHERE run_id = ?';
      cached(db, `DELETE FROM metric_points WHERE series_id IN (${seriesOfRun})`).run(runId);
      cached(db, `DELETE FROM metric_rollups WHERE series_id IN (${seriesOfRun})`).run(runId);
      for (const table of ['series', 'steps', 'events', 'checkpoints', 'run_tags']) {
        cached(db, `DELETE FROM ${table} WHERE run_id = ?`).run(runId);
      }
      cached(db, 'DELETE FROM runs WHERE id = ?').run(runId);
      return true;
    })
    .immediate();
}

function nestedString(value: Record<string, unknown>, outer: string, inner: string): string | undefined {
  const child = value[outer];
  if (typeof child !== 'object' || child === null) return undefined;
  const leaf = (child as Record<string, unknown>)[inner];
  return typeof leaf === 'string' && leaf.length > 0 ? leaf : undefined;
}

function nestedNumber(value: Record<string, unknown>, outer: string, inner: string): number | undefined {
  const child = value[outer];
  if (typeof child !== 'object' || child === null) return undefined;
  const leaf = (child as Record<string, unknown>)[inner];
  return typeof leaf === 'number' && Number.isInteger(leaf) ? leaf : undefined;
}
