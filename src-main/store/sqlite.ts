// One place that names the SQLite types the store passes around, so no other file spells the driver.
import Database from 'better-sqlite3';

export type Db = Database.Database;
export type Statement<Params extends unknown[] = unknown[], Row = unknown> = Database.Statement<Params, Row>;
export { Database as SqliteDatabase };

/**
 * Prepared statements, compiled once per connection: preparing costs more than running a small query.
 * A statement's pluck()/raw() mode sticks to the cached object, so each SQL text is used in one mode only.
 */
const statementCache = new WeakMap<Db, Map<string, Statement>>();

export function cached<Params extends unknown[] = unknown[], Row = unknown>(
  db: Db,
  sql: string,
): Statement<Params, Row> {
  let perDb = statementCache.get(db);
  if (!perDb) {
    perDb = new Map();
    statementCache.set(db, perDb);
  }
  let statement = perDb.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    perDb.set(sql, statement);
  }
  return statement as unknown as Statement<Params, Row>;
}

/** SQLite error codes better-sqlite3 puts on its errors, e.g. SQLITE_NOTADB. */
export function sqliteCode(error: unknown): string | undefined {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}
