// Runs: create, read, search, edit, delete with everything that belongs to them, lineage, lifecycle.
import { describe, expect, it } from 'vitest';
import { trainerStream } from '../../bench/store-stream.js';
import {
  childRuns,
  createRun,
  deleteRun,
  getRun,
  listEvents,
  listRuns,
  listTags,
  markInterruptedRuns,
  MetricIngestor,
  mustGetRun,
  runAncestors,
  setRunStatus,
  StoreError,
  updateRun,
  type Db,
} from '../../src-main/store/index.js';
import { makeRun, memoryDb, newRunInput } from './helpers.js';

const TABLES = [
  'runs',
  'run_tags',
  'steps',
  'series',
  'metric_points',
  'metric_rollups',
  'events',
  'checkpoints',
];

function rowCounts(db: Db): Record<string, number> {
  return Object.fromEntries(
    TABLES.map((t) => [t, db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number]),
  );
}

describe('runs', () => {
  it('creates a run with defaults taken from its config, and reads it back', () => {
    const db = memoryDb();
    const run = makeRun(db, { tags: ['b', 'a', 'a'], preset: 'quickstart' });
    expect(run.id).toMatch(/^[0-9a-z]{13}$/);
    expect(run).toMatchObject({
      name: 'quickstart',
      status: 'queued',
      policy: 'raptr',
      seed: 7,
      preset: 'quickstart',
      tags: ['a', 'b'],
      notes: '',
      archived: false,
      parentRunId: null,
      startedAt: null,
    });
    expect(getRun(db, run.id)).toEqual(run);
    expect(getRun(db, 'nosuchrun')).toBeUndefined();
    expect(() => mustGetRun(db, 'nosuchrun')).toThrow(/no run with id "nosuchrun"/);
  });

  it('gives ids that sort in creation order', () => {
    const db = memoryDb();
    const ids = Array.from({ length: 20 }, () => makeRun(db).id);
    expect([...ids].sort()).toEqual(ids);
    expect(listRuns(db).map((r) => r.id)).toEqual([...ids].reverse());
  });

  it('searches by name, notes and tags, and filters by tag, status, policy and archived', () => {
    const db = memoryDb();
    const a = makeRun(db, { name: 'BERT mini 6-8-10-12', tags: ['bert', 'raptr'] });
    const b = makeRun(db, {
      name: 'baseline',
      notes: 'full model, 100% blocks',
      policy: 'full',
      tags: ['bert'],
    });
    const c = makeRun(db, { name: 'poly', tags: ['poly_task'] });
    updateRun(db, c.id, { archived: true });
    setRunStatus(db, b.id, { status: 'running' });
    const names = (filter: Parameters<typeof listRuns>[1]) => listRuns(db, filter).map((r) => r.name);
    expect(names({ text: 'mini' })).toEqual(['BERT mini 6-8-10-12']);
    expect(names({ text: 'bert' })).toEqual(['baseline', 'BERT mini 6-8-10-12']);
    expect(names({ text: '100%' })).toEqual(['baseline']);
    expect(names({ text: 'oly_t', archived: null })).toEqual(['poly']);
    expect(names({ text: '_' })).toEqual([]);
    expect(names({ tag: 'raptr' })).toEqual([a.name]);
    expect(names({ status: 'running' })).toEqual(['baseline']);
    expect(names({ status: ['queued', 'running'], policy: 'raptr' })).toEqual([a.name]);
    expect(names({ archived: true })).toEqual(['poly']);
    expect(names({})).toEqual(['baseline', a.name]);
    expect(listTags(db)).toEqual([
      { tag: 'bert', runs: 2 },
      { tag: 'poly_task', runs: 1 },
      { tag: 'raptr', runs: 1 },
    ]);
  });

  it('renames, retags, re-notes and archives', () => {
    const db = memoryDb();
    const run = makeRun(db, { tags: ['x'] });
    const updated = updateRun(db, run.id, {
      name: '  renamed ',
      tags: ['y', 'z'],
      notes: 'why',
      archived: true,
    });
    expect(updated).toMatchObject({ name: 'renamed', tags: ['y', 'z'], notes: 'why', archived: true });
    expect(updateRun(db, run.id, { archived: false })).toMatchObject({ name: 'renamed', archived: false });
    expect(() => updateRun(db, 'nosuchrun', { name: 'x' })).toThrow(/no run with id/);
  });

  it('refuses bad input naming the field, and leaves stored rows unchanged', () => {
    const db = memoryDb();
    const run = makeRun(db, { tags: ['keep'] });
    const before = rowCounts(db);
    const snapshot = JSON.stringify(getRun(db, run.id));
    const bad: Array<[() => unknown, RegExp]> = [
      [() => createRun(db, { ...newRunInput(), name: '' }), /run\.name: must not be empty/],
      [() => createRun(db, { ...newRunInput(), tags: ['ok', ''] }), /run\.tags\[1\]: must not be empty/],
      [() => createRun(db, { ...newRunInput(), config: [] as never }), /run\.config/],
      [() => createRun(db, { ...newRunInput(), parentRunId: 'missing' }), /run\.parentRunId: no run/],
      [() => createRun(db, { ...newRunInput(), config: {} }), /run\.policy/],
      [() => createRun(db, { ...newRunInput(), id: run.id }), /already exists/],
      [() => updateRun(db, run.id, { name: 42 as never }), /run patch\.name: must be a string/],
      [() => updateRun(db, run.id, { tags: 'x' as never }), /run patch\.tags: must be a list/],
      [() => updateRun(db, run.id, { colour: 'red' } as never), /colour/],
      [() => setRunStatus(db, run.id, { status: 'paused' as never }), /status change\.status/],
    ];
    for (const [call, message] of bad) {
      expect(call).toThrow(StoreError);
      expect(call).toThrow(message);
    }
    expect(rowCounts(db)).toEqual(before);
    expect(JSON.stringify(getRun(db, run.id))).toBe(snapshot);
  });

  it('deletes a run with all its rows in one go, and only its rows', () => {
    const db = memoryDb();
    const keep = makeRun(db, { tags: ['a'] });
    const doomed = makeRun(db, { tags: ['a', 'b'] });
    const child = makeRun(db, { parentRunId: doomed.id });
    const ingestor = new MetricIngestor(db);
    for (const runId of [keep.id, doomed.id]) {
      for (const m of trainerStream({ steps: 300, evalEvery: 50, checkpointEvery: 100 }))
        ingestor.ingest(runId, m);
    }
    ingestor.close();
    const withBoth = rowCounts(db);
    expect(deleteRun(db, doomed.id)).toBe(true);
    expect(deleteRun(db, doomed.id)).toBe(false);
    const after = rowCounts(db);
    expect(after.runs).toBe(withBoth.runs! - 1);
    for (const table of ['steps', 'series', 'metric_points', 'metric_rollups', 'events', 'checkpoints']) {
      expect(after[table]).toBe(withBoth[table]! / 2);
    }
    expect(after.run_tags).toBe(1);
    expect(getRun(db, child.id)?.parentRunId).toBeNull();
    expect(db.pragma('foreign_key_check')).toEqual([]);
  });

  it('follows parent links both ways', () => {
    const db = memoryDb();
    const root = makeRun(db, { name: 'root' });
    const middle = makeRun(db, { name: 'middle', parentRunId: root.id });
    const leaf = makeRun(db, { name: 'leaf', parentRunId: middle.id });
    expect(runAncestors(db, leaf.id).map((r) => r.name)).toEqual(['middle', 'root']);
    expect(runAncestors(db, root.id)).toEqual([]);
    expect(childRuns(db, root.id).map((r) => r.name)).toEqual(['middle']);
    expect(listRuns(db, { parentRunId: middle.id }).map((r) => r.name)).toEqual(['leaf']);
  });
});

describe('run status', () => {
  it('stamps start and finish times, keeps the error tail, and records each change as an event', () => {
    const db = memoryDb();
    const run = makeRun(db);
    setRunStatus(db, run.id, { status: 'running', at: 1000 });
    setRunStatus(db, run.id, { status: 'failed', at: 2000, errorTail: 'Error: out of memory' });
    expect(getRun(db, run.id)).toMatchObject({
      status: 'failed',
      startedAt: 1000,
      finishedAt: 2000,
      errorTail: 'Error: out of memory',
    });
    expect(listEvents(db, run.id, { kinds: ['status'] }).map((e) => e.payload)).toEqual([
      { from: 'queued', to: 'running' },
      { from: 'running', to: 'failed' },
    ]);
    expect(() => setRunStatus(db, 'nosuchrun', { status: 'running' })).toThrow(/no run with id/);
  });

  it('marks runs left running or stopping as interrupted at start-up', () => {
    const db = memoryDb();
    const running = makeRun(db);
    const stopping = makeRun(db);
    const done = makeRun(db);
    setRunStatus(db, running.id, { status: 'running' });
    setRunStatus(db, stopping.id, { status: 'stopping' });
    setRunStatus(db, done.id, { status: 'completed' });
    expect(markInterruptedRuns(db, 5000)).toEqual([running.id, stopping.id]);
    expect(getRun(db, running.id)).toMatchObject({ status: 'interrupted', finishedAt: 5000 });
    expect(getRun(db, stopping.id)?.status).toBe('interrupted');
    expect(getRun(db, done.id)?.status).toBe('completed');
    expect(markInterruptedRuns(db)).toEqual([]);
  });
});
