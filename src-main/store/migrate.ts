// Applies numbered migrations, each in its own transaction together with the PRAGMA user_version bump, so a
// crash mid-migration leaves the database at the previous version, never half-migrated.
import { StoreError } from './errors.js';
import { APPLICATION_ID, LATEST_VERSION, MIGRATIONS } from './migrations/index.js';
import type { Db } from './sqlite.js';

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Refuses files this code must not touch: another program's database, or one from a newer RaPTr Studio. */
export function assertMigratable(db: Db, path: string): void {
  const version = schemaVersion(db);
  if (version > LATEST_VERSION) {
    throw new StoreError(
      'newer-schema',
      `${path} has schema version ${version}, newer than this RaPTr Studio understands (${LATEST_VERSION}). ` +
        'Update RaPTr Studio, or point --db / RAPTR_DB at another file; the database was not changed.',
    );
  }
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const tableCount = db
    .prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table'")
    .pluck()
    .get() as number;
  const foreign = applicationId !== 0 ? applicationId !== APPLICATION_ID : version === 0 && tableCount > 0;
  if (foreign) {
    throw new StoreError(
      'foreign-database',
      `${path} is an SQLite database of another program; it was left untouched. ` +
        'Point --db / RAPTR_DB at a new file or at a RaPTr Studio database.',
    );
  }
}

/** Brings the schema to `to` (default: the latest). Returns the versions applied. */
export function migrate(db: Db, to: number = LATEST_VERSION): number[] {
  if (!Number.isInteger(to) || to < 0 || to > LATEST_VERSION) {
    throw new RangeError(`migration target must be 0..${LATEST_VERSION}, got ${to}`);
  }
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    if (migration.version <= schemaVersion(db) || migration.version > to) continue;
    db.transaction(() => {
      migration.up(db);
      // user_version lives in the database header, which is written by this same transaction.
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
    applied.push(migration.version);
  }
  return applied;
}
