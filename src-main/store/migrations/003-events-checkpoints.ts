// What happened during a run (stage changes, evals, transitions, errors, logs, status changes) and the
// checkpoints written, with their hashes so a tampered file is refused on load.
import type { Migration } from './migration.js';

export const EVENT_KINDS = ['stage', 'eval', 'transition', 'error', 'log', 'checkpoint', 'status'] as const;

const kindList = EVENT_KINDS.map((kind) => `'${kind}'`).join(', ');

export const migration003: Migration = {
  version: 3,
  name: 'events-checkpoints',
  up(db) {
    db.exec(`
      CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        step INTEGER,
        kind TEXT NOT NULL CHECK (kind IN (${kindList})),
        payload TEXT NOT NULL CHECK (json_valid(payload)),
        time INTEGER NOT NULL
      ) STRICT;
      -- An index ends with the rowid (id): both give events in id order without a sort, a run's whole
      -- timeline or only its evals (among thousands of log lines).
      CREATE INDEX events_by_run ON events (run_id);
      CREATE INDEX events_by_run_kind ON events (run_id, kind);

      CREATE TABLE checkpoints (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        path TEXT NOT NULL,
        bytes INTEGER NOT NULL CHECK (bytes >= 0),
        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
        eval_loss REAL,
        created_at INTEGER NOT NULL,
        UNIQUE (run_id, step)
      ) STRICT;
    `);
  },
};
