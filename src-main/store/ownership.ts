// Run ownership and cross-process requests (migration 004).
import { hostname } from 'node:os';
import { z } from 'zod';
import { parseInput, unknownRun } from './errors.js';
import { RUN_REQUEST_KINDS } from './migrations/004-ownership.js';
import { RunIdSchema } from './run-schemas.js';
import { setRunStatus } from './run-status.js';
import { cached, type Db } from './sqlite.js';

export type RunRequestKind = (typeof RUN_REQUEST_KINDS)[number];

export interface Owner {
  pid: number;
  host: string;
}

export const THIS_PROCESS: Owner = { pid: process.pid, host: hostname() };

/** True when the owner process still runs (only checkable on this host; another host's owner counts as alive). */
export function ownerAlive(owner: Owner): boolean {
  if (owner.host !== THIS_PROCESS.host) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function setOwner(db: Db, runId: string, owner: Owner | null): void {
  const id = parseInput(RunIdSchema, runId, 'runId');
  const changed = cached(db, 'UPDATE runs SET owner_pid = ?, owner_host = ? WHERE id = ?').run(
    owner?.pid ?? null,
    owner?.host ?? null,
    id,
  ).changes;
  if (changed === 0) throw unknownRun(id);
}

export function ownerOf(db: Db, runId: string): Owner | null {
  const row = cached<[string], { owner_pid: number | null; owner_host: string | null }>(
    db,
    'SELECT owner_pid, owner_host FROM runs WHERE id = ?',
  ).get(runId);
  if (!row) throw unknownRun(runId);
  return row.owner_pid === null || row.owner_host === null
    ? null
    : { pid: row.owner_pid, host: row.owner_host };
}

const KindSchema = z.enum(RUN_REQUEST_KINDS);

/** Leaves a request for whichever process owns the run. */
export function requestRun(db: Db, runId: string, kind: RunRequestKind): void {
  const id = parseInput(RunIdSchema, runId, 'runId');
  cached(db, 'INSERT INTO run_requests (run_id, kind, created_at) VALUES (?, ?, ?)').run(
    id,
    parseInput(KindSchema, kind, 'kind'),
    Date.now(),
  );
}

/** Removes and returns the pending requests for the given runs, oldest first. */
export function takeRequests(
  db: Db,
  runIds: readonly string[],
): Array<{ runId: string; kind: RunRequestKind }> {
  if (runIds.length === 0) return [];
  return db
    .transaction(() => {
      const rows = runIds.flatMap((id) =>
        cached<[string], { id: number; run_id: string; kind: RunRequestKind }>(
          db,
          'SELECT id, run_id, kind FROM run_requests WHERE run_id = ? ORDER BY id',
        ).all(id),
      );
      for (const row of rows) cached(db, 'DELETE FROM run_requests WHERE id = ?').run(row.id);
      return rows.sort((a, b) => a.id - b.id).map((r) => ({ runId: r.run_id, kind: r.kind }));
    })
    .immediate();
}

/**
 * Recovery across processes: a 'running' or 'stopping' run whose owner is gone (or unknown) becomes
 * 'interrupted', a 'queued' one 'stopped' (its queue died with its process; it can be resumed); runs a live
 * process owns are left alone. Run at start-up and before runs are listed or shown, so a run whose process
 * was killed reads as interrupted at once. Returns the runs changed and their new status.
 */
export function recoverOrphanedRuns(
  db: Db,
  alive: (owner: Owner) => boolean = ownerAlive,
): Array<{ id: string; status: 'interrupted' | 'stopped' }> {
  // Read first, without the write lock: nearly always nothing is orphaned, and a reader (`raptr runs`)
  // must not wait for another process's write transaction to find that out.
  if (orphanedRuns(db, alive).length === 0) return [];
  return db
    .transaction(() =>
      orphanedRuns(db, alive).map((r) => {
        const status = r.status === 'queued' ? ('stopped' as const) : ('interrupted' as const);
        setRunStatus(db, r.id, { status });
        setOwner(db, r.id, null);
        return { id: r.id, status };
      }),
    )
    .immediate();
}

function orphanedRuns(db: Db, alive: (owner: Owner) => boolean): Array<{ id: string; status: string }> {
  const rows = cached<
    [],
    { id: string; status: string; owner_pid: number | null; owner_host: string | null }
  >(
    db,
    `SELECT id, status, owner_pid, owner_host FROM runs
     WHERE status IN ('queued', 'running', 'stopping') ORDER BY id`,
  ).all();
  return rows.filter(
    (r) => r.owner_pid === null || r.owner_host === null || !alive({ pid: r.owner_pid, host: r.owner_host }),
  );
}
