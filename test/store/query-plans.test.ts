// The hot queries use the indexes meant for them: no full scan of the metric, step or event tables. Every
// statement an operation runs is recorded with its parameters, then explained with the same parameters.
import { describe, expect, it } from 'vitest';
import { trainerStream } from '../../bench/store-stream.js';
import {
  deleteRun,
  firstReach,
  latestCheckpoint,
  listEvents,
  listRuns,
  MetricIngestor,
  recentMasks,
  runState,
  series,
  stageSummary,
  type Db,
} from '../../src-main/store/index.js';
import { makeRun, memoryDb } from './helpers.js';

interface Call {
  sql: string;
  params: unknown[];
}

/** Wraps db.prepare so every statement run afterwards is recorded with the parameters it ran with. */
function recordStatements(db: Db): Call[] {
  const calls: Call[] = [];
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    const statement = prepare(sql);
    const proxy: object = new Proxy(statement, {
      get(target, property) {
        const value = Reflect.get(target, property, target) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (['run', 'get', 'all', 'iterate'].includes(String(property))) calls.push({ sql, params: args });
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          return result === target ? proxy : result;
        };
      },
    });
    return proxy;
  }) as Db['prepare'];
  return calls;
}

function plans(db: Db, calls: Call[]): Array<{ sql: string; plan: string }> {
  return calls.map(({ sql, params }) => ({
    sql: sql.replace(/\s+/g, ' ').trim(),
    plan: (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>)
      .map((row) => row.detail)
      .join(' | '),
  }));
}

const BIG_TABLES = /\bSCAN (metric_points|metric_rollups|steps|events|series|checkpoints|run_tags)\b/;

function setUp(): { db: Db; calls: Call[]; runId: string } {
  const db = memoryDb();
  // Recording from the start: statements are cached per connection, so one prepared earlier would escape.
  const calls = recordStatements(db);
  const run = makeRun(db, { tags: ['t'] });
  const ingestor = new MetricIngestor(db);
  for (const message of trainerStream({ steps: 2000, evalEvery: 200, checkpointEvery: 500 })) {
    ingestor.ingest(run.id, message);
  }
  ingestor.close();
  return { db, calls, runId: run.id };
}

describe('query plans', () => {
  it('series queries read rollups and points by primary key, on every axis and range', () => {
    const { db, calls, runId } = setUp();
    for (const xAxis of ['step', 'tokens', 'flops', 'wall'] as const) {
      series(db, { runId, keys: ['train/loss', 'eval/loss'], xAxis, buckets: 100 });
      series(db, { runId, keys: ['train/loss'], xAxis, range: [0, 1e12], buckets: 50 });
    }
    const explained = plans(db, calls);
    expect(explained.length).toBeGreaterThan(10);
    for (const { sql, plan } of explained) expect(plan, sql).not.toMatch(BIG_TABLES);
    const bucketed = explained.filter((e) => e.sql.includes('FROM metric_rollups'));
    expect(bucketed.length).toBeGreaterThan(0);
    for (const { plan } of bucketed) {
      expect(plan).toMatch(
        /SEARCH metric_rollups USING PRIMARY KEY \(series_id=\? AND cell_steps=\? AND block>\? AND block<\?\)/,
      );
      expect(plan).toMatch(/SEARCH metric_points USING PRIMARY KEY \(series_id=\? AND step>\? AND step<\?\)/);
    }
  });

  it('ingestion, masks, stage table, first-reach, events, checkpoints and run rows use their indexes', () => {
    const { db, calls, runId } = setUp();
    const ingestor = new MetricIngestor(db);
    for (const message of trainerStream({ steps: 2100, fromStep: 2000, evalEvery: 50 }))
      ingestor.ingest(runId, message);
    ingestor.close();
    recentMasks(db, runId, 100);
    stageSummary(db, runId);
    firstReach(db, { runId, key: 'train/loss', target: 4 });
    listEvents(db, runId, { kinds: ['eval'] });
    listEvents(db, runId, { afterId: 3 });
    latestCheckpoint(db, runId);
    listRuns(db, { tag: 't' });
    runState(db, runId);
    const explained = plans(db, calls);
    for (const { sql, plan } of explained) expect(plan, sql).not.toMatch(BIG_TABLES);
    const planOf = (fragment: string) => {
      const found = explained.find((e) => e.sql.includes(fragment));
      expect(found, fragment).toBeDefined();
      return found!.plan;
    };
    expect(planOf('FROM steps WHERE run_id = ? ORDER BY step DESC LIMIT ?')).toMatch(
      /SEARCH steps USING PRIMARY KEY/,
    );
    expect(planOf('AND kind = ?')).toMatch(/USING INDEX events_by_run_kind/);
    expect(planOf('id > ?')).toMatch(/USING INDEX events_by_run /);
    expect(planOf('FROM checkpoints WHERE run_id = ? ORDER BY step DESC')).toMatch(
      /sqlite_autoindex_checkpoints/,
    );
    expect(planOf('SELECT run_id FROM run_tags WHERE tag = ?')).toMatch(
      /USING COVERING INDEX run_tags_by_tag/,
    );
    expect(planOf('AND value_min <= ?')).toMatch(/SEARCH metric_rollups USING PRIMARY KEY/);
    expect(planOf('AS label FROM runs WHERE id = ?')).toMatch(
      /SEARCH runs USING INDEX sqlite_autoindex_runs_1 \(id=\?\)/,
    );
  });

  it('deleting a run reaches its rows by index', () => {
    const { db, calls, runId } = setUp();
    deleteRun(db, runId);
    for (const { sql, plan } of plans(db, calls)) expect(plan, sql).not.toMatch(BIG_TABLES);
  });

  it('every foreign key column leads an index, so cascades and parent checks never scan', () => {
    const db = memoryDb();
    const tables = db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")
      .pluck()
      .all() as string[];
    for (const table of tables) {
      const keys = db.pragma(`foreign_key_list(${table})`) as Array<{ from: string }>;
      const leading = (db.pragma(`index_list(${table})`) as Array<{ name: string }>).map(
        (index) => (db.pragma(`index_info(${index.name})`) as Array<{ name: string }>)[0]?.name,
      );
      const primaryFirst = (db.pragma(`table_info(${table})`) as Array<{ name: string; pk: number }>).find(
        (column) => column.pk === 1,
      )?.name;
      for (const { from } of keys) expect([...leading, primaryFirst], `${table}.${from}`).toContain(from);
    }
  });
});
