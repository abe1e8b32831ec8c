// Which process runs a trainer, and requests to it from other processes. The desktop app, `raptr serve`
// and a `raptr train` in a terminal may share one database; each runs its own trainers. A run records
// its owner (pid and host) while it runs, so start-up recovery only marks a run 'interrupted' when its
// owner is gone, and `raptr stop ID` from another terminal leaves a request the owner picks up.
import type { Migration } from './migration.js';

export const RUN_REQUEST_KINDS = ['stop', 'checkpoint'] as const;

export const migration004: Migration = {
  version: 4,
  name: 'ownership',
  up(db) {
    db.exec(`
      ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
      ALTER TABLE runs ADD COLUMN owner_host TEXT;
      CREATE TABLE run_requests (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN (${RUN_REQUEST_KINDS.map((k) => `'${k}'`).join(', ')})),
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX run_requests_by_run ON run_requests (run_id);
    `);
  },
};
