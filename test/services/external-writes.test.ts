// The watcher of other processes' writes, driven poll by poll (no timers), for the races a loaded machine
// makes likely: a run whose status changed here before the watcher's first poll saw it, then renamed
// elsewhere, must still be announced as updated; a poll whose read failed must leave the change to the next.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { watchExternalWrites } from '../../src-main/services/external-writes.js';
import {
  createRun,
  insertSteps,
  openDatabase,
  setRunStatus,
  updateRun,
  type Db,
} from '../../src-main/store/index.js';
import { tinyConfig } from '../server/helpers.js';

type Watched = {
  db: Db;
  other: Db;
  sent: Array<[string, unknown]>;
  watcher: ReturnType<typeof watchExternalWrites>;
};

/**
 * A watcher on this process's connection, polled by hand (its timer is an hour), every run treated as
 * another process's, and a second connection to write as that process; all closed after `body`.
 */
function withWatcher(body: (w: Watched) => void): void {
  const path = join(mkdtempSync(join(tmpdir(), 'raptr-outside-')), 'raptr.db');
  const db = openDatabase(path);
  const other = openDatabase(path);
  const sent: Array<[string, unknown]> = [];
  const watcher = watchExternalWrites(db, (name, payload) => sent.push([name, payload]), {
    isLocal: () => false,
    pollMs: 3_600_000,
  });
  try {
    body({ db, other, sent, watcher });
  } finally {
    watcher.close();
    other.close();
    db.close();
  }
}

describe('watchExternalWrites', () => {
  it('announces a rename made elsewhere after this process changed the status of a run it had not read', () => {
    withWatcher(({ db, other, sent, watcher }) => {
      const run = createRun(other, { name: 'made elsewhere', config: tinyConfig, appVersion: 't' });
      // This process settles it (an orphaned queued run becomes stopped) and tells its listeners at once.
      setRunStatus(db, run.id, { status: 'stopped' });
      watcher.noteStatus(run.id, 'stopped');
      updateRun(other, run.id, { name: 'renamed elsewhere' });
      watcher.poll();
      expect(sent).toContainEqual(['run:updated', { runId: run.id }]);
      // Nothing announced twice: the status was this process's own news.
      expect(sent.filter(([name]) => name === 'run:status')).toEqual([]);
    });
  });

  it('announces the steps of a change whose first read failed (a busy database), at the next poll', () => {
    withWatcher(({ db, other, sent, watcher }) => {
      const run = createRun(other, { name: 'trained elsewhere', config: tinyConfig, appVersion: 't' });
      setRunStatus(other, run.id, { status: 'running' });
      watcher.poll();
      // The run's last writes, then nothing more: no later write will change the database again.
      const row = { stage: 0, active: 2, mask: '11', wallMs: 1, flops: 1, fullFlops: 1, tokens: 1 };
      insertSteps(other, run.id, [
        { ...row, step: 0 },
        { ...row, step: 1 },
      ]);
      // Fault injection: the read transaction fails once, as SQLITE_BUSY does on a loaded machine.
      const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
      vi.spyOn(db, 'transaction').mockImplementationOnce(() => {
        throw busy;
      });
      expect(() => watcher.poll()).toThrow('database is locked');
      watcher.poll();
      const steps = sent.flatMap(([name, payload]) =>
        name === 'run:metrics'
          ? (payload as { steps: Array<{ step: number }> }).steps.map((s) => s.step)
          : [],
      );
      expect(steps).toEqual([0, 1]);
    });
  });
});
