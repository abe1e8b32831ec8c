// CPU runs share the cores: the slot pool's arithmetic, and the run manager telling running trainers their
// new share as runs start and end (the run shows its threads), with every trainer gone once stopped.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RunManager } from '../../src-main/runs/run-manager.js';
import { SlotPool } from '../../src-main/runs/slots.js';
import { getRun, listCheckpoints, listEvents, openDatabase } from '../../src-main/store/index.js';

describe('the slot pool shares the cores', () => {
  const pool = (cores: number) => new SlotPool({ gpus: [], cpu: cores });
  const cpu = (runId: string, threads: number | null = null) => ({ runId, gpu: null, threads });

  it('splits the cores evenly between CPU runs, the earliest taking the remainder', () => {
    const slots = pool(8);
    for (const id of ['a', 'b', 'c']) expect(slots.take(cpu(id))).toEqual({ kind: 'cpu', runId: id });
    expect(Object.fromEntries(slots.cpuThreads())).toEqual({ a: 3, b: 3, c: 2 });
    slots.release({ kind: 'cpu', runId: 'a' });
    expect(Object.fromEntries(slots.cpuThreads())).toEqual({ b: 4, c: 4 });
  });

  it('keeps a run with training.threads at its count, and shares what it leaves', () => {
    const slots = pool(4);
    expect(slots.take(cpu('auto'))).not.toBeNull();
    expect(slots.take(cpu('big', 4))).toBeNull(); // 1 core held + 4 > 4
    expect(slots.take(cpu('fixed', 2))).not.toBeNull();
    expect(Object.fromEntries(slots.cpuThreads())).toEqual({ auto: 2, fixed: 2 });
    expect(slots.take(cpu('other'))).not.toBeNull();
    expect(Object.fromEntries(slots.cpuThreads())).toEqual({ auto: 1, fixed: 2, other: 1 });
    expect(slots.take(cpu('one more'))).toBeNull(); // every core is held
  });

  it('lets a run ask for more threads than cores (it holds every core) and runs one CPU run per core at most', () => {
    const slots = pool(2);
    expect(slots.take(cpu('wide', 16))).not.toBeNull();
    expect(Object.fromEntries(slots.cpuThreads())).toEqual({ wide: 16 });
    expect(slots.take(cpu('next'))).toBeNull();
    slots.release({ kind: 'cpu', runId: 'wide' });
    expect(slots.take(cpu('x'))).not.toBeNull();
    expect(slots.take(cpu('y'))).not.toBeNull();
    expect(slots.take(cpu('z'))).toBeNull();
  });

  it('gives GPU runs their own slots, outside the cores', () => {
    const slots = new SlotPool({ gpus: ['GPU 0'], cpu: 1 });
    expect(slots.take({ runId: 'g', gpu: 'cuda', threads: null })).toEqual({
      kind: 'gpu',
      index: 0,
      name: 'GPU 0',
    });
    expect(slots.take({ runId: 'h', gpu: 'cuda', threads: null })).toBeNull();
    expect(slots.take(cpu('c'))).not.toBeNull();
    expect(Object.fromEntries(slots.cpuThreads())).toEqual({ c: 1 });
  });
});

const longRun = {
  task: { kind: 'polynomial', inputDim: 10, terms: [{ support: [0] }, { support: [1, 2] }] },
  model: { layers: 4, dModel: 16, ffDim: 16 },
  policy: { kind: 'full' },
  training: { batchSize: 32, steps: 1_000_000, evalEvery: 0, seed: 5, backend: 'wasm' },
};

let managers: RunManager[] = [];
afterEach(async () => {
  await Promise.all(managers.map((m) => m.shutdown()));
  managers = [];
});

describe('the run manager shares the cores between CPU runs', () => {
  it('tells a running trainer its share as runs start and end, and stops every trainer with a checkpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'raptr-shares-'));
    const db = openDatabase(join(dir, 'raptr.db'));
    const manager = new RunManager({
      db,
      runsDir: join(dir, 'runs'),
      slots: { gpus: [], cpu: 2 },
      pollMs: 50,
    });
    managers.push(manager);
    const devices = new Map<string, string[]>();
    const pids = new Map<string, number>();
    manager.subscribe((e) => {
      if (e.type !== 'message') return;
      const m = e.message;
      if (m.type === 'ready') pids.set(e.runId, m.pid);
      if (m.type === 'start' || m.type === 'backend')
        devices.set(e.runId, [...(devices.get(e.runId) ?? []), m.backend.device]);
    });
    const threadsOf = (runId: string) =>
      (devices.get(runId) ?? []).map((d) => /(\d+) threads?\)/.exec(d)?.[1]);
    const until = (check: () => boolean) =>
      new Promise<void>((resolve) => {
        const timer = setInterval(() => check() && (clearInterval(timer), resolve()), 50);
      });

    const first = manager.create({ config: longRun, name: 'first' });
    await until(() => threadsOf(first.id).length === 1);
    expect(threadsOf(first.id)).toEqual(['2']);
    const second = manager.create({ config: longRun, name: 'second' });
    await until(() => threadsOf(first.id).length === 2 && threadsOf(second.id).length === 1);
    expect(threadsOf(first.id)).toEqual(['2', '1']);
    expect(threadsOf(second.id)).toEqual(['1']);
    // The run page reads the device from the run's row.
    await until(() => /1 thread\)/.test(getRun(db, first.id)!.device ?? ''));
    expect(listEvents(db, first.id, { kinds: ['log'] }).map((e) => JSON.stringify(e.payload))).toEqual([
      expect.stringContaining('1 thread)'),
    ]);

    manager.stop(second.id);
    expect(await manager.waitFor(second.id)).toBe('stopped');
    expect(listCheckpoints(db, second.id)).toHaveLength(1);
    await until(() => threadsOf(first.id).length === 3);
    expect(threadsOf(first.id)).toEqual(['2', '1', '2']);

    const stopped = performance.now();
    manager.stop(first.id);
    expect(await manager.waitFor(first.id)).toBe('stopped');
    expect(performance.now() - stopped).toBeLessThan(20_000);
    expect(listCheckpoints(db, first.id)).toHaveLength(1);
    // Both trainer processes, and with them their kernel threads, are gone.
    for (const pid of pids.values()) expect(() => process.kill(pid, 0)).toThrow();
  });
});
