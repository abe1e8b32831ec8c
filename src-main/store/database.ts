// Opening the run database: the pragmas every connection needs, the folder, the migrations, and clear
// refusals for files that are damaged, foreign or newer (they are never overwritten).
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreError } from './errors.js';
import { assertMigratable, migrate } from './migrate.js';
import { SqliteDatabase, sqliteCode, type Db } from './sqlite.js';

export interface OpenOptions {
  /** Migrate only up to this version (tests of single migrations); default: the latest. */
  migrateTo?: number;
  /** How long a statement waits for another connection's lock before failing. */
  busyTimeoutMs?: number;
}

const DAMAGED_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);

export function openDatabase(path: string, options: OpenOptions = {}): Db {
  const inMemory = path === ':memory:';
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const db = new SqliteDatabase(path, { timeout: options.busyTimeoutMs ?? 5000 });
  try {
    configure(db, inMemory);
    assertMigratable(db, path);
    migrate(db, options.migrateTo);
    return db;
  } catch (error) {
    db.close();
    if (DAMAGED_CODES.has(sqliteCode(error) ?? '')) {
      throw new StoreError(
        'corrupt-database',
        `${path} is damaged or is not an SQLite database; it was left untouched. To recover what it holds, ` +
          `run \`sqlite3 "${path}" ".recover" | sqlite3 recovered.db\`, or move the file aside so a new ` +
          'database is created.',
        { cause: error },
      );
    }
    throw error;
  }
}

function configure(db: Db, inMemory: boolean): void {
  // Reading the header first makes a non-database file fail here, before any pragma could write to it.
  db.pragma('schema_version', { simple: true });
  if (!inMemory) {
    // WAL: readers never block the single writer, and a commit is one append to the log.
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal')
      throw new Error(`could not switch ${db.name} to WAL (journal_mode is ${String(mode)})`);
  }
  // NORMAL in WAL mode: a power loss may drop the last commits but never corrupts the file.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Series queries read thousands of rollup rows; a 64 MB page cache keeps recent runs in memory.
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
}

/** "ok" when the file is consistent; otherwise SQLite's list of problems. */
export function integrityCheck(db: Db): string {
  const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
  return rows.map((row) => row.integrity_check).join('\n');
}
