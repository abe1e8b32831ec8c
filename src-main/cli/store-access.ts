// Opening the run database for a command: --db, else RAPTR_DB, else the user-data folder. The store's
// refusals (damaged, foreign, newer schema, unknown run) become one-line input errors (exit 2).
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { describeFileError } from '../file-errors.js';
import { defaultDatabasePath, runsDirFor } from '../paths.js';
import { RunManager } from '../runs/run-manager.js';
import { openDatabase, recoverOrphanedRuns, StoreError, type Db } from '../store/index.js';
import { InputError } from './input-error.js';

export interface StoreFlags {
  db?: string;
}

export function withDbOption(command: Command): Command {
  return command.option('--db <path>', 'the run database (default: RAPTR_DB or the user-data folder)');
}

/** The database a command uses: --db, else RAPTR_DB, else the user-data folder's. */
export function databasePathOf(flags: StoreFlags): string {
  return flags.db ?? defaultDatabasePath();
}

export function openStore(flags: StoreFlags): { db: Db; path: string } {
  const path = databasePathOf(flags);
  try {
    return { db: openDatabase(path), path };
  } catch (error) {
    throw unopenable(path, error) ?? asInputError(error);
  }
}

/** A database path that cannot be opened at all (a folder, a file in the way, no permission): bad input. */
function unopenable(path: string, error: unknown): InputError | null {
  const code = (error as { code?: unknown }).code;
  if (code === 'EEXIST' || code === 'ENOTDIR')
    return new InputError([`--db: ${describeFileError(path, { code: 'ENOTDIR' })}`]);
  if (typeof code === 'string' && code.startsWith('E'))
    return new InputError([`--db: ${describeFileError(path, error)}`]);
  if (code === 'SQLITE_CANTOPEN') {
    const folder = statSync(path, { throwIfNoEntry: false })?.isDirectory();
    return new InputError([
      folder
        ? `--db: ${describeFileError(path, { code: 'EISDIR' })}`
        : `--db: cannot open ${path} as a database (check its folder and permissions)`,
    ]);
  }
  return null;
}

/** Store errors a user can act on become input errors; anything else stays a failure. */
export function asInputError(error: unknown): unknown {
  return error instanceof StoreError ? new InputError([error.message]) : error;
}

/** A run manager for this process; run folders go beside the database. */
export function openManager(flags: StoreFlags): { manager: RunManager; db: Db; path: string } {
  const { db, path } = openStore(flags);
  return { manager: new RunManager({ db, runsDir: runsDirFor(path) }), db, path };
}

/**
 * Before runs are listed or shown: a run whose process is gone (killed, crashed) becomes interrupted now,
 * not when some process next starts runs. Best effort: a read-only or full disk shows the runs as stored.
 */
export function reportOrphans(db: Db): void {
  try {
    recoverOrphanedRuns(db);
  } catch {
    // the listing itself still works
  }
}
