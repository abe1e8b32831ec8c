// Mapping between `runs` rows and Run objects, shared by the run query modules.
import type { Run, RunStatus } from './run-schemas.js';
import { cached, type Db } from './sqlite.js';

export interface RunRow {
  id: string;
  name: string;
  status: RunStatus;
  config: string;
  preset: string | null;
  policy: string;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  backend: string | null;
  device: string | null;
  seed: number | null;
  app_version: string;
  corpus_fingerprint: string | null;
  notes: string;
  parent_run_id: string | null;
  archived: number;
  error_tail: string | null;
  /** JSON array built by the query (see RUN_COLUMNS). */
  tags: string;
}

/** Every runs column plus the run's tags as a JSON array, sorted so equal sets compare equal. */
export const RUN_COLUMNS = `runs.*,
  (SELECT json_group_array(tag) FROM (SELECT tag FROM run_tags WHERE run_id = runs.id ORDER BY tag)) AS tags`;

export function runFromRow(row: RunRow): Run {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    config: JSON.parse(row.config) as Record<string, unknown>,
    preset: row.preset,
    policy: row.policy,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    backend: row.backend,
    device: row.device,
    seed: row.seed,
    appVersion: row.app_version,
    corpusFingerprint: row.corpus_fingerprint,
    tags: JSON.parse(row.tags) as string[],
    notes: row.notes,
    parentRunId: row.parent_run_id,
    archived: row.archived === 1,
    errorTail: row.error_tail,
  };
}

export function selectRun(db: Db, runId: string): Run | undefined {
  const row = cached<[string], RunRow>(db, `SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`).get(runId);
  return row && runFromRow(row);
}

export function runExists(db: Db, runId: string): boolean {
  return cached(db, 'SELECT 1 FROM runs WHERE id = ?').get(runId) !== undefined;
}

export function replaceTags(db: Db, runId: string, tags: readonly string[]): void {
  cached(db, 'DELETE FROM run_tags WHERE run_id = ?').run(runId);
  const insert = cached(db, 'INSERT INTO run_tags (run_id, tag) VALUES (?, ?)');
  for (const tag of tags) insert.run(runId, tag);
}
