// Defect 3 of issue 14: a full disk crashed the CLI and the server (an uncaught "database or disk is full"
// from the exit handler), the run stayed "running", training went on thousands of steps past the last one
// recorded, and a half-written checkpoint kept the disk full. Now, when recording fails, training stops;
// the run ends failed with "disk full"; partial files are removed; the database stays consistent; the
// process survives (server) or exits 1 with the reason (CLI); and once space is freed the run resumes from
// its last good checkpoint. On a real full disk: a tmpfs of a few MB (see tmpfs.ts for when it is skipped).
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RunManager } from '../../src-main/runs/run-manager.js';
import {
  getRun,
  integrityCheck,
  latestCheckpoint,
  latestStep,
  listRuns,
  openDatabase,
} from '../../src-main/store/index.js';
import { call, raptr, serveProcess, waitForFinal } from './helpers.js';
import { mountTmpfs, tmpfsUnavailableReason, type Tmpfs } from './tmpfs.js';

const unavailable = tmpfsUnavailableReason();
if (unavailable) console.warn(`full-disk tests skipped: ${unavailable}`);

/** A polynomial run fast enough to fill a few MB of metrics in seconds, with small checkpoints. */
const filling = (extra: Record<string, unknown> = {}) => ({
  task: { kind: 'polynomial', inputDim: 10, terms: [{ support: [0] }, { support: [1, 2] }] },
  model: { layers: 4, dModel: 16, ffDim: 16 },
  policy: { kind: 'raptr', schedule: { label: '2-3-4' } },
  // Checkpoints every 50 steps: how many steps fill the disk depends on how many go into each commit,
  // which depends on how fast the machine trains (a loaded machine fills it in fewer steps).
  training: { batchSize: 8, steps: 200_000, evalEvery: 0, checkpointEvery: 50, backend: 'wasm', ...extra },
});

/** Checkpoints of about 1.6 MB: the first fits on a 3 MB disk, the second is cut short. */
const bigCheckpoints = {
  ...filling({ steps: 60, checkpointEvery: 20 }),
  model: { layers: 4, dModel: 64, ffDim: 256 },
};

const leftovers = (runDir: string) =>
  readdirSync(join(runDir, 'checkpoints')).filter((name) => name.includes('.partial-'));

let disk: Tmpfs | null = null;
afterEach(() => {
  disk?.unmount();
  disk = null;
});

describe.skipIf(unavailable !== null)('a full disk', () => {
  it('stops training when the metrics cannot be written, ends the run failed, and resumes later', async () => {
    disk = mountTmpfs(3);
    const db = openDatabase(join(disk.dir, 'raptr.db'));
    const manager = new RunManager({ db, runsDir: join(disk.dir, 'runs'), slots: { gpus: [], cpu: 1 } });
    let lastSent = -1;
    const run = manager.create({ config: filling() });
    manager.subscribe((e) => {
      if (e.type === 'message' && e.message.type === 'step') lastSent = e.message.step;
    });
    expect(await manager.waitFor(run.id)).toBe('failed');
    const failed = getRun(db, run.id)!;
    expect(failed.errorTail).toMatch(/^disk full: could not (record|write the checkpoint at step \d+)/);
    expect(failed.errorTail).toContain(`raptr resume ${run.id}`);
    expect(manager.failureReason(run.id)).toBe(failed.errorTail);
    expect(integrityCheck(db)).toBe('ok');
    // Training stopped where recording stopped (a flush interval's worth of steps at most), not 200k later.
    const recorded = latestStep(db, run.id)!.step;
    console.info(`full disk: ${recorded + 1} steps recorded, the trainer sent ${lastSent + 1}`);
    expect(lastSent - recorded).toBeLessThan(2000);
    expect(leftovers(manager.runDir(run.id))).toEqual([]);
    const checkpoint = latestCheckpoint(db, run.id)!;
    expect(checkpoint.step).toBeGreaterThan(0);

    disk.resize(64);
    const { fromStep } = manager.resume(run.id);
    expect(fromStep).toBe(checkpoint.step);
    manager.subscribe((e) => {
      // Past where the disk filled: no need to train 200k steps again.
      if (e.type === 'message' && e.message.type === 'step' && e.message.step === recorded + 50)
        manager.stop(run.id);
    });
    expect(await manager.waitFor(run.id)).toBe('stopped');
    expect(latestStep(db, run.id)!.step).toBeGreaterThan(recorded);
    await manager.shutdown();
    expect(integrityCheck(db)).toBe('ok');
    db.close();
  }, 300_000); // a loaded machine trains slowly

  it('keeps raptr serve answering when a checkpoint write runs out of space, and removes the partial', async () => {
    disk = mountTmpfs(3);
    const server = await serveProcess(join(disk.dir, 'raptr.db'));
    try {
      const created = await call<{ id: string }>(server.url, 'runs:create', { config: bigCheckpoints });
      if (!created.ok) throw new Error(created.error.message);
      const id = created.value.id;
      const run = await waitForFinal(server.url, id);
      expect(run.status).toBe('failed');
      expect(run.errorTail).toMatch(/^disk full: .*(ENOSPC|disk is full)/);
      const list = await call<Array<{ id: string }>>(server.url, 'runs:list', {});
      expect(list.ok && list.value.map((r) => r.id)).toEqual([id]);
      expect(leftovers(join(disk.dir, 'runs', id))).toEqual([]);

      disk.resize(64);
      const resumed = await call<{ fromStep: number }>(server.url, 'runs:resume', { id });
      expect(resumed.ok && resumed.value.fromStep).toBe(20);
      expect((await waitForFinal(server.url, id)).status).toBe('completed');
    } finally {
      expect(await server.stop()).toBe(0);
    }
    const db = openDatabase(join(disk.dir, 'raptr.db'));
    expect(integrityCheck(db)).toBe('ok');
    db.close();
  }, 300_000); // a loaded machine trains slowly

  it('makes raptr train exit 1 with the reason, and raptr resume finish the run once there is space', () => {
    disk = mountTmpfs(2);
    const dbPath = join(disk.dir, 'raptr.db');
    const config = join(disk.dir, 'config.json');
    writeFileSync(config, JSON.stringify(filling({ steps: 2000 })));
    const train = raptr(['train', '--config', config, '--db', dbPath], { timeoutMs: 240_000 });
    expect(train.code).toBe(1);
    // Which write meets the full disk first, the metrics or a checkpoint, depends on the machine's speed.
    expect(train.stderr).toMatch(
      /training failed: disk full: could not (record|write the checkpoint at step \d+)/,
    );
    expect(train.stderr).toContain(`raptr resume `);
    const db = openDatabase(dbPath);
    const [run] = listRuns(db, {});
    expect(run).toMatchObject({ status: 'failed' });
    expect(integrityCheck(db)).toBe('ok');
    db.close();

    disk.resize(64);
    const resume = raptr(['resume', run!.id, '--db', dbPath], { timeoutMs: 240_000 });
    expect(resume.code).toBe(0);
    const after = openDatabase(dbPath);
    expect(getRun(after, run!.id)).toMatchObject({ status: 'completed', errorTail: null });
    after.close();
  }, 300_000); // a loaded machine trains slowly
});
