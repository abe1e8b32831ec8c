// The run manager with real trainer processes (the built trainer; npm test builds first): lifecycle,
// queueing per device slot, stop with a checkpoint, a SIGKILLed trainer, exact resume, start-up recovery.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TrainerMessage } from '../../shared/trainer-protocol.js';
import { RunManager } from '../../src-main/runs/run-manager.js';
import {
  getRun,
  listCheckpoints,
  listEvents,
  openDatabase,
  requestRun,
  series,
  setOwner,
  setRunStatus,
  type Db,
} from '../../src-main/store/index.js';

const tiny = (steps: number, extra: Record<string, unknown> = {}) => ({
  task: { kind: 'polynomial', inputDim: 10, terms: [{ support: [0] }, { support: [1, 2] }] },
  model: { layers: 4, dModel: 16, ffDim: 16 },
  policy: { kind: 'raptr', schedule: { label: '2-3-4' } },
  optimizer: { lr: 3e-3 },
  training: { batchSize: 32, steps, evalEvery: 10, checkpointEvery: 10, seed: 5, backend: 'wasm', ...extra },
});

let managers: RunManager[] = [];
afterEach(async () => {
  await Promise.all(managers.map((m) => m.shutdown()));
  managers = [];
});

function setup(options: { cpu?: number; keep?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'raptr-manager-'));
  const db = openDatabase(join(dir, 'raptr.db'));
  const manager = new RunManager({
    db,
    runsDir: join(dir, 'runs'),
    slots: { gpus: [], cpu: options.cpu ?? 2 },
    keepLastCheckpoints: options.keep ?? 2,
    pollMs: 50,
  });
  managers.push(manager);
  return { db, manager, dir };
}

function losses(db: Db, runId: string): number[] {
  return series(db, { runId, keys: ['train/loss'], xAxis: 'step', buckets: 10_000 })[0]!.mean;
}

describe('run manager', () => {
  it('runs a queued run to completion, records it, and keeps the last checkpoints plus the best', async () => {
    const { db, manager } = setup({ keep: 2 });
    const run = manager.create({ config: tiny(50), name: 'tiny' });
    expect(await manager.waitFor(run.id)).toBe('completed');
    const statuses = listEvents(db, run.id, { kinds: ['status'] }).flatMap(
      (e) => (e.payload as { to?: string }).to ?? [],
    );
    expect(statuses).toEqual(['queued', 'running', 'completed']);
    const stored = getRun(db, run.id)!;
    expect(stored).toMatchObject({ status: 'completed', backend: 'wasm', name: 'tiny' });
    expect(losses(db, run.id)).toHaveLength(50);
    const kept = listCheckpoints(db, run.id);
    const best = kept.reduce((b, c) => (c.evalLoss! < b.evalLoss! ? c : b));
    expect(kept.map((c) => c.step)).toEqual([...new Set([best.step, 40, 50])].sort((a, b) => a - b));
    expect(readdirSync(join(manager.runDir(run.id), 'checkpoints')).length).toBe(kept.length);
    expect(listEvents(db, run.id, { kinds: ['transition'] })).toHaveLength(2);
  });

  it('runs at most one CPU run at a time with one CPU slot, higher priority first', async () => {
    const { manager } = setup({ cpu: 1 });
    const order: string[] = [];
    manager.subscribe((e) => {
      if (e.type === 'status' && e.status === 'running') order.push(e.runId);
    });
    const first = manager.create({ config: tiny(20) });
    const low = manager.create({ config: tiny(20), priority: 0 });
    const high = manager.create({ config: tiny(20), priority: 5 });
    expect(getRun(manager.db, low.id)!.status).toBe('queued');
    await Promise.all([first, low, high].map((r) => manager.waitFor(r.id)));
    expect(order).toEqual([first.id, high.id, low.id]);
  });

  it('writes a checkpoint before stopping, and a stop request from another process works too', async () => {
    const { db, manager } = setup();
    const run = manager.create({ config: tiny(100000, { checkpointEvery: 0 }) });
    await new Promise<void>((resolve) =>
      manager.subscribe(
        (e) => e.type === 'message' && e.message.type === 'step' && e.message.step === 15 && resolve(),
      ),
    );
    requestRun(db, run.id, 'stop'); // as `raptr stop ID` in another terminal does
    expect(await manager.waitFor(run.id)).toBe('stopped');
    const checkpoints = listCheckpoints(db, run.id);
    expect(checkpoints).toHaveLength(1);
    expect(checkpoints[0]!.step).toBe(losses(db, run.id).length);
  });

  it('marks a SIGKILLed trainer failed with its stderr, and resumes it to the losses of a run left alone', async () => {
    const { db, manager } = setup();
    const alone = manager.create({ config: tiny(60) });
    await manager.waitFor(alone.id);
    const run = manager.create({ config: tiny(60) });
    let pid = 0;
    await new Promise<void>((resolve) => {
      const unsubscribe = manager.subscribe((e) => {
        if (e.runId !== run.id || e.type !== 'message') return;
        const m: TrainerMessage = e.message;
        if (m.type === 'ready') pid = m.pid;
        if (m.type === 'step' && m.step === 34) {
          unsubscribe();
          process.kill(pid, 'SIGKILL');
          resolve();
        }
      });
    });
    expect(await manager.waitFor(run.id)).toBe('failed');
    expect(getRun(db, run.id)!.errorTail).toMatch(/ended unexpectedly \(SIGKILL\)/);
    const { fromStep } = manager.resume(run.id);
    expect(fromStep).toBe(30);
    const final = await manager.waitFor(run.id);
    expect(getRun(db, run.id)!.errorTail).toBeNull();
    expect(final).toBe('completed');
    expect(losses(db, run.id)).toEqual(losses(db, alone.id));
  });

  it('resumes a run on another backend when asked, keeping the recorded config', async () => {
    const { db, manager } = setup();
    const run = manager.create({ config: tiny(100000) });
    await new Promise<void>((resolve) =>
      manager.subscribe(
        (e) => e.type === 'message' && e.message.type === 'step' && e.message.step === 12 && resolve(),
      ),
    );
    manager.stop(run.id);
    expect(await manager.waitFor(run.id)).toBe('stopped');
    expect(getRun(db, run.id)!.backend).toBe('wasm');
    const resumedOn = new Promise<string>((resolve) =>
      manager.subscribe((e) => {
        if (e.runId === run.id && e.type === 'message' && e.message.type === 'start')
          resolve(e.message.backend.name);
      }),
    );
    manager.resume(run.id, 0, { backend: 'cpu' });
    expect(await resumedOn).toBe('cpu');
    manager.stop(run.id);
    expect(await manager.waitFor(run.id)).toBe('stopped');
    expect(getRun(db, run.id)!.backend).toBe('cpu');
    expect((getRun(db, run.id)!.config as { training: { backend: string } }).training.backend).toBe('wasm');
  });

  it('turns runs left running by a dead process into interrupted ones at start-up, and resumes them', async () => {
    const { db, dir } = setup();
    const first = new RunManager({ db, runsDir: join(dir, 'runs'), slots: { gpus: [], cpu: 1 } });
    managers.push(first);
    const run = first.create({ config: tiny(30) });
    await first.waitFor(run.id);
    setRunStatus(db, run.id, { status: 'running' });
    setOwner(db, run.id, { pid: 999_999_999, host: hostname() });
    const second = new RunManager({ db, runsDir: join(dir, 'runs'), slots: { gpus: [], cpu: 1 } });
    managers.push(second);
    expect(getRun(db, run.id)!.status).toBe('interrupted');
    second.resume(run.id);
    expect(await second.waitFor(run.id)).toBe('completed');
  });

  it('deletes a run with its rows and folder', async () => {
    const { db, manager } = setup();
    const run = manager.create({ config: tiny(12) });
    await manager.waitFor(run.id);
    expect(existsSync(manager.runDir(run.id))).toBe(true);
    expect(await manager.delete(run.id)).toBe(true);
    expect(getRun(db, run.id)).toBeUndefined();
    expect(existsSync(manager.runDir(run.id))).toBe(false);
  });
});
