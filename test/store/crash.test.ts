// A writer killed with SIGKILL mid-batch loses only the batch it was writing: the file stays consistent,
// every committed batch is complete, no partial batch is visible, and the run rows written before survive.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  getRun,
  integrityCheck,
  markInterruptedRuns,
  openDatabase,
  setRunStatus,
  type Db,
  type Run,
} from '../../src-main/store/index.js';
import { STEPS_PER_BATCH } from './crash/batch-size.js';
import { compileForChild } from './crash/compile.js';
import { makeRun, tempDir } from './helpers.js';

let writer = '';
let removeCompiled = () => {};
beforeAll(() => {
  const compiled = compileForChild('test/store/crash/writer.ts');
  writer = compiled.path;
  removeCompiled = compiled.cleanup;
});
afterAll(() => removeCompiled());

let cleanup = () => {};
afterEach(() => cleanup());

/** Starts the writer; resolves with the batches it reported committed and how it ended. */
function runWriter(
  path: string,
  runId: string,
  options: { killInBatch?: number; killAfterBatches?: number },
): Promise<{ reported: number[]; signal: NodeJS.Signals | null }> {
  const args = [path, runId, ...(options.killInBatch === undefined ? [] : [String(options.killInBatch)])];
  const child = fork(writer, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const reported: number[] = [];
  child.on('message', (message: { committed: number }) => {
    reported.push(message.committed);
    if (options.killAfterBatches !== undefined && reported.length === options.killAfterBatches) {
      // Some way into the next batch: while it queues rows or while it writes them.
      setTimeout(() => child.kill('SIGKILL'), Math.random() * 40);
    }
  });
  return new Promise((resolve) => child.on('exit', (_code, signal) => resolve({ reported, signal })));
}

function prepareRun(dir: string): { path: string; run: Run } {
  const path = join(dir, 'raptr.db');
  const db = openDatabase(path);
  const run = makeRun(db, { name: 'will crash', tags: ['crash'], notes: 'written before the crash' });
  setRunStatus(db, run.id, { status: 'running', at: 1234 });
  db.close();
  return { path, run: getRunAfter(path, run.id) };
}

function getRunAfter(path: string, runId: string): Run {
  const db = openDatabase(path);
  const run = getRun(db, runId)!;
  db.close();
  return run;
}

/** Batches fully present; fails on any partial batch or on rollups that disagree with the points. */
function committedBatches(db: Db, runId: string): number {
  const steps = db
    .prepare('SELECT count(*), coalesce(max(step), -1) FROM steps WHERE run_id = ?')
    .raw()
    .get(runId) as [number, number];
  expect(steps[0] % STEPS_PER_BATCH).toBe(0);
  expect(steps[1]).toBe(steps[0] - 1);
  const series = db
    .prepare(
      `SELECT s.key, (SELECT count(*) FROM metric_points p WHERE p.series_id = s.id) AS points,
         (SELECT sum(value_count) FROM metric_rollups r WHERE r.series_id = s.id AND r.cell_steps = 16) AS rolled
       FROM series s WHERE s.run_id = ?`,
    )
    .all(runId) as Array<{ key: string; points: number; rolled: number | null }>;
  for (const { key, points, rolled } of series) {
    expect(points, key).toBe(steps[0]);
    expect(rolled ?? 0, key).toBe(points);
  }
  return steps[0] / STEPS_PER_BATCH;
}

describe('crash safety', () => {
  it('a writer killed inside a batch transaction leaves every earlier batch and nothing of that one', async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    const { path, run } = prepareRun(tmp.dir);
    const { reported, signal } = await runWriter(path, run.id, { killInBatch: 3 });
    expect(signal).toBe('SIGKILL');
    expect(reported).toEqual([0, 1, 2]);
    const db = openDatabase(path);
    expect(integrityCheck(db)).toBe('ok');
    expect(committedBatches(db, run.id)).toBe(3);
    expect(getRun(db, run.id)).toEqual(run);
    expect(markInterruptedRuns(db)).toEqual([run.id]);
    expect(getRun(db, run.id)).toMatchObject({ status: 'interrupted', name: 'will crash', tags: ['crash'] });
    db.close();
  });

  it('a writer killed at a random moment leaves whole batches only', async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    const { path, run } = prepareRun(tmp.dir);
    const { reported, signal } = await runWriter(path, run.id, { killAfterBatches: 3 });
    expect(signal).toBe('SIGKILL');
    const db = openDatabase(path);
    expect(integrityCheck(db)).toBe('ok');
    // The last commit may have landed without its report reaching us before the kill.
    const batches = committedBatches(db, run.id);
    expect(batches).toBeGreaterThanOrEqual(reported.length);
    expect(batches).toBeLessThanOrEqual(reported.length + 1);
    expect(getRun(db, run.id)).toEqual(run);
    db.close();
  });
});
