import { describe, expect, it } from 'vitest';
import {
  getRun,
  ownerOf,
  recoverOrphanedRuns,
  requestRun,
  setOwner,
  setRunStatus,
  takeRequests,
  THIS_PROCESS,
} from '../../src-main/store/index.js';
import { makeRun, memoryDb } from './helpers.js';

describe('run ownership', () => {
  it('marks only runs whose owner is gone as interrupted', () => {
    const db = memoryDb();
    const mine = makeRun(db);
    const orphan = makeRun(db);
    const unknown = makeRun(db);
    for (const run of [mine, orphan, unknown]) setRunStatus(db, run.id, { status: 'running' });
    setOwner(db, mine.id, THIS_PROCESS);
    setOwner(db, orphan.id, { pid: 999_999_999, host: THIS_PROCESS.host });
    expect(
      recoverOrphanedRuns(db)
        .map((r) => r.id)
        .sort(),
    ).toEqual([orphan.id, unknown.id].sort());
    expect(getRun(db, mine.id)?.status).toBe('running');
    expect(getRun(db, orphan.id)?.status).toBe('interrupted');
    expect(ownerOf(db, orphan.id)).toBeNull();
    expect(ownerOf(db, mine.id)).toEqual(THIS_PROCESS);
  });

  it('stops runs a dead process left queued, so they can be started again', () => {
    const db = memoryDb();
    const mine = makeRun(db);
    const orphan = makeRun(db);
    for (const run of [mine, orphan]) setRunStatus(db, run.id, { status: 'queued' });
    setOwner(db, mine.id, THIS_PROCESS);
    setOwner(db, orphan.id, { pid: 999_999_999, host: THIS_PROCESS.host });
    expect(recoverOrphanedRuns(db)).toEqual([{ id: orphan.id, status: 'stopped' }]);
    expect(getRun(db, orphan.id)?.status).toBe('stopped');
    expect(getRun(db, mine.id)?.status).toBe('queued');
  });

  it('passes requests to the owning process once, in order', () => {
    const db = memoryDb();
    const a = makeRun(db);
    const b = makeRun(db);
    requestRun(db, a.id, 'checkpoint');
    requestRun(db, b.id, 'stop');
    requestRun(db, a.id, 'stop');
    expect(takeRequests(db, [a.id])).toEqual([
      { runId: a.id, kind: 'checkpoint' },
      { runId: a.id, kind: 'stop' },
    ]);
    expect(takeRequests(db, [a.id])).toEqual([]);
    expect(takeRequests(db, [a.id, b.id])).toEqual([{ runId: b.id, kind: 'stop' }]);
    expect(() => requestRun(db, a.id, 'explode' as 'stop')).toThrow(/kind/);
  });
});
