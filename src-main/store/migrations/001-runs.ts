// Runs and their tags. Tags live in their own table, indexed by tag, so "runs tagged X" is an index
// lookup instead of a scan through JSON arrays.
import { APPLICATION_ID, type Migration } from './migration.js';

export const RUN_STATUSES = [
  'queued',
  'running',
  'stopping',
  'stopped',
  'completed',
  'failed',
  'interrupted',
] as const;

const statusList = RUN_STATUSES.map((status) => `'${status}'`).join(', ');

export const migration001: Migration = {
  version: 1,
  name: 'runs',
  up(db) {
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.exec(`
      CREATE TABLE runs (
        -- time-sortable, see ids.ts: ORDER BY id is creation order
        id TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN (${statusList})),
        config TEXT NOT NULL CHECK (json_valid(config)),
        preset TEXT,
        policy TEXT NOT NULL,
        -- milliseconds since the Unix epoch
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER,
        backend TEXT,
        device TEXT,
        seed INTEGER,
        app_version TEXT NOT NULL,
        corpus_fingerprint TEXT,
        notes TEXT NOT NULL DEFAULT '',
        parent_run_id TEXT REFERENCES runs (id) ON DELETE SET NULL,
        archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
        -- the last lines of a crashed trainer's stderr
        error_tail TEXT
      ) STRICT;
      CREATE INDEX runs_by_status ON runs (status);
      CREATE INDEX runs_by_parent ON runs (parent_run_id);

      CREATE TABLE run_tags (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        PRIMARY KEY (run_id, tag)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX run_tags_by_tag ON run_tags (tag);
    `);
  },
};
