// One test per migration: it applies on an empty database and on the previous version holding data, and
// leaves the schema the code expects. Plus the refusals: newer schema, damaged file, foreign database.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createRun,
  integrityCheck,
  LATEST_VERSION,
  migrate,
  openDatabase,
  schemaVersion,
  StoreError,
  type Db,
} from '../../src-main/store/index.js';
import { withRecordedFields } from '../../shared/config/recorded.js';
import { newRunInput, tempDir } from './helpers.js';

function columns(db: Db, table: string): string[] {
  return (db.pragma(`table_info(${table})`) as Array<{ name: string }>).map((c) => c.name);
}

function isStrict(db: Db, table: string): boolean {
  const list = db.pragma('table_list') as Array<{ name: string; strict: number }>;
  return list.find((t) => t.name === table)?.strict === 1;
}

function indexes(db: Db, table: string): string[] {
  return (db.pragma(`index_list(${table})`) as Array<{ name: string }>).map((i) => i.name).sort();
}

function fkCheck(db: Db): unknown[] {
  return db.pragma('foreign_key_check') as unknown[];
}

describe('migration 1: runs', () => {
  it('applies on an empty database', () => {
    const db = openDatabase(':memory:', { migrateTo: 1 });
    expect(schemaVersion(db)).toBe(1);
    expect(columns(db, 'runs')).toEqual([
      'id',
      'name',
      'status',
      'config',
      'preset',
      'policy',
      'created_at',
      'started_at',
      'finished_at',
      'backend',
      'device',
      'seed',
      'app_version',
      'corpus_fingerprint',
      'notes',
      'parent_run_id',
      'archived',
      'error_tail',
    ]);
    expect(columns(db, 'run_tags')).toEqual(['run_id', 'tag']);
    expect(isStrict(db, 'runs') && isStrict(db, 'run_tags')).toBe(true);
    expect(indexes(db, 'runs')).toEqual(['runs_by_parent', 'runs_by_status', 'sqlite_autoindex_runs_1']);
    expect(indexes(db, 'run_tags')).toContain('run_tags_by_tag');
  });

  it('refuses values its CHECK constraints forbid (STRICT types, statuses, JSON)', () => {
    const db = openDatabase(':memory:', { migrateTo: 1 });
    const insert = db.prepare(
      `INSERT INTO runs (id, name, status, config, policy, created_at, app_version) VALUES (?, 'n', ?, ?, 'full', ?, 'v')`,
    );
    expect(() => insert.run('a', 'bogus', '{}', 1)).toThrow(/CHECK/);
    expect(() => insert.run('b', 'queued', 'not json', 1)).toThrow(/CHECK/);
    expect(() => insert.run('c', 'queued', '{}', 'yesterday')).toThrow(/cannot store TEXT value in INTEGER/);
  });
});

describe('migration 2: metrics', () => {
  it('applies on an empty database', () => {
    const db = openDatabase(':memory:', { migrateTo: 2 });
    expect(schemaVersion(db)).toBe(2);
    expect(columns(db, 'steps')).toEqual([
      'run_id',
      'step',
      'stage',
      'active',
      'mask',
      'wall_ms',
      'flops',
      'full_flops',
      'tokens',
    ]);
    expect(columns(db, 'series')).toEqual(['id', 'run_id', 'key']);
    expect(columns(db, 'metric_points')).toEqual([
      'series_id',
      'step',
      'value',
      'wall_ms',
      'flops',
      'tokens',
    ]);
    expect(columns(db, 'metric_rollups')).toEqual([
      'series_id',
      'cell_steps',
      'block',
      'value_count',
      'value_min',
      'value_max',
      'value_sum',
      'first_step',
      'last_step',
      'first_wall_ms',
      'last_wall_ms',
      'first_flops',
      'last_flops',
      'first_tokens',
      'last_tokens',
    ]);
    for (const table of ['steps', 'series', 'metric_points', 'metric_rollups'])
      expect(isStrict(db, table)).toBe(true);
    const withoutRowid = db.pragma('table_list') as Array<{ name: string; wr: number }>;
    for (const table of ['steps', 'metric_points', 'metric_rollups']) {
      expect(withoutRowid.find((t) => t.name === table)?.wr).toBe(1);
    }
  });

  it('applies on version 1 holding runs, which survive unchanged', () => {
    const db = openDatabase(':memory:', { migrateTo: 1 });
    const run = createRunAtV1(db);
    const before = db.prepare('SELECT * FROM runs').all();
    expect(migrate(db, 2)).toEqual([2]);
    expect(db.prepare('SELECT * FROM runs').all()).toEqual(before);
    db.prepare(`INSERT INTO steps VALUES (?, 0, 0, 2, '11', 1, 2, 3, 4)`).run(run);
    expect(fkCheck(db)).toEqual([]);
  });
});

describe('migration 3: events and checkpoints', () => {
  it('applies on an empty database', () => {
    const db = openDatabase(':memory:', { migrateTo: 3 });
    expect(schemaVersion(db)).toBe(3);
    expect(columns(db, 'events')).toEqual(['id', 'run_id', 'step', 'kind', 'payload', 'time']);
    expect(columns(db, 'checkpoints')).toEqual([
      'id',
      'run_id',
      'step',
      'path',
      'bytes',
      'sha256',
      'eval_loss',
      'created_at',
    ]);
    expect(isStrict(db, 'events') && isStrict(db, 'checkpoints')).toBe(true);
    expect(indexes(db, 'events')).toEqual(['events_by_run', 'events_by_run_kind']);
  });

  it('applies on version 2 holding runs, steps and points, which survive unchanged', () => {
    const db = openDatabase(':memory:', { migrateTo: 2 });
    const run = createRunAtV1(db);
    db.prepare(`INSERT INTO steps VALUES (?, 0, 0, 2, '11', 1, 2, 3, 4)`).run(run);
    const series = db
      .prepare(`INSERT INTO series (run_id, key) VALUES (?, 'train/loss') RETURNING id`)
      .pluck()
      .get(run);
    db.prepare('INSERT INTO metric_points VALUES (?, 0, 2.5, 1, 2, 4)').run(series);
    const snapshot = () =>
      ['runs', 'steps', 'series', 'metric_points'].map((t) => db.prepare(`SELECT * FROM ${t}`).all());
    const before = snapshot();
    expect(migrate(db, 3)).toEqual([3]);
    expect(snapshot()).toEqual(before);
    expect(fkCheck(db)).toEqual([]);
  });
});

describe('migration 4: ownership and cross-process requests', () => {
  it('applies on an empty database', () => {
    const db = openDatabase(':memory:', { migrateTo: 4 });
    expect(schemaVersion(db)).toBe(4);
    expect(columns(db, 'runs').slice(-2)).toEqual(['owner_pid', 'owner_host']);
    expect(columns(db, 'run_requests')).toEqual(['id', 'run_id', 'kind', 'created_at']);
    expect(isStrict(db, 'run_requests')).toBe(true);
    expect(indexes(db, 'run_requests')).toEqual(['run_requests_by_run']);
    const run = createRun(db, newRunInput());
    expect(() =>
      db.prepare(`INSERT INTO run_requests (run_id, kind, created_at) VALUES (?, 'explode', 1)`).run(run.id),
    ).toThrow(/CHECK/);
  });

  it('applies on version 3 holding runs, events and checkpoints, which survive unchanged', () => {
    const db = openDatabase(':memory:', { migrateTo: 3 });
    const run = createRunAtV1(db);
    db.prepare(`INSERT INTO events (run_id, step, kind, payload, time) VALUES (?, 1, 'log', '{}', 5)`).run(
      run,
    );
    db.prepare(
      `INSERT INTO checkpoints (run_id, step, path, bytes, sha256, created_at) VALUES (?, 3, '/x', 9, ?, 6)`,
    ).run(run, 'a'.repeat(64));
    const snapshot = () => ['events', 'checkpoints'].map((t) => db.prepare(`SELECT * FROM ${t}`).all());
    const before = snapshot();
    const runsBefore = db.prepare('SELECT * FROM runs').all() as Array<Record<string, unknown>>;
    expect(migrate(db, 4)).toEqual([4]);
    expect(snapshot()).toEqual(before);
    expect(db.prepare('SELECT * FROM runs').all()).toEqual(
      runsBefore.map((r) => ({ ...r, owner_pid: null, owner_host: null })),
    );
    expect(fkCheck(db)).toEqual([]);
  });
});

describe('migration 5: how MLM runs measured their held-out loss', () => {
  it('marks MLM runs that trained as training-rule, never-started ones every-target, and leaves the rest', () => {
    const db = openDatabase(':memory:', { migrateTo: 4 });
    const mlm = { task: { kind: 'mlm', maskProb: 0.15 }, policy: { kind: 'full' } };
    const add = (name: string, config: Record<string, unknown>, started: boolean) => {
      const run = createRun(db, newRunInput({ name, config }));
      if (started) db.prepare('UPDATE runs SET started_at = 5 WHERE id = ?').run(run.id);
      return { id: run.id, config, started };
    };
    const runs = [
      add('trained', mlm, true),
      add('never started', mlm, false),
      add('explicit', { ...mlm, task: { ...mlm.task, evalMasking: 'every-target' } }, true),
      add('polynomial', { task: { kind: 'polynomial' }, policy: { kind: 'full' } }, true),
    ];
    const series = db
      .prepare(`INSERT INTO series (run_id, key) VALUES (?, 'eval/mlm_loss') RETURNING id`)
      .pluck()
      .get(runs[0]!.id);
    db.prepare('INSERT INTO metric_points VALUES (?, 0, 6.4, 1, 2, 4)').run(series);
    const points = () => db.prepare('SELECT * FROM metric_points').all();
    const before = points();
    expect(migrate(db, 5)).toEqual([5]);
    const configOf = (id: string) =>
      JSON.parse(db.prepare('SELECT config FROM runs WHERE id = ?').pluck().get(id) as string) as {
        task: Record<string, unknown>;
      };
    expect(runs.map((r) => configOf(r.id).task.evalMasking)).toEqual([
      'training-rule',
      'every-target',
      'every-target',
      undefined,
    ]);
    expect(configOf(runs[0]!.id).task.maskProb).toBe(0.15);
    // The rule bundles and checkpoints go through says the same for each of them.
    for (const r of runs) expect(withRecordedFields(r.config, r.started)).toEqual(configOf(r.id));
    expect(points()).toEqual(before);
  });
});

describe('opening a database file', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('creates the folder, uses WAL, synchronous NORMAL, foreign keys, a busy timeout, and the latest schema', () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    const path = join(tmp.dir, 'nested', 'folder', 'raptr.db');
    const db = openDatabase(path);
    expect(existsSync(path)).toBe(true);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
    expect(integrityCheck(db)).toBe('ok');
    db.close();
    // Opening again applies nothing and keeps the data.
    const again = openDatabase(path);
    expect(migrate(again)).toEqual([]);
    again.close();
  });

  it('refuses a database from a newer schema and leaves it as it was', () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    const path = join(tmp.dir, 'raptr.db');
    openDatabase(path).pragma(`user_version = ${LATEST_VERSION + 1}`);
    const bytes = readFileSync(path);
    expect(() => openDatabase(path)).toThrow(StoreError);
    expect(() => openDatabase(path)).toThrow(/newer than this RaPTr Studio understands/);
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('refuses a damaged file with a recovery hint and does not overwrite it', () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    const path = join(tmp.dir, 'raptr.db');
    const garbage = Buffer.from('this is not an SQLite database, just some text. '.repeat(200));
    writeFileSync(path, garbage);
    let error: unknown;
    try {
      openDatabase(path);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('corrupt-database');
    expect((error as StoreError).message).toMatch(/\.recover/);
    expect(readFileSync(path).equals(garbage)).toBe(true);
  });

  it("refuses another program's SQLite database", () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    const path = join(tmp.dir, 'other.db');
    const other = new Database(path);
    other.exec('CREATE TABLE contacts (name TEXT)');
    other.close();
    expect(() => openDatabase(path)).toThrow(/another program/);
  });
});

/** A run row written with the version-1 schema only (createRun itself needs no later table). */
function createRunAtV1(db: Db): string {
  return createRun(db, newRunInput({ tags: ['baseline'] })).id;
}
