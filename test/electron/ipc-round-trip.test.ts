// The whole Electron path for every channel of the contract: window.raptr (the real preload) ->
// ipcRenderer -> ipcMain (the real main process and its sender check) -> dispatch -> services -> real
// trainers started through utilityProcess (the fake forks the real trainer). Then quit: the app waits
// until the running run has stopped with a checkpoint.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunSummary } from '../../shared/api-types.js';
import {
  CHANNEL_NAMES,
  type EventName,
  type Events,
  type RaptrApi,
  type Result,
} from '../../shared/ipc-contract.js';
import { getRun, latestCheckpoint, openDatabase } from '../../src-main/store/index.js';
import { fake } from './fake/electron.js';

vi.mock('electron', () => import('./fake/electron.js'));

const home = mkdtempSync(join(tmpdir(), 'raptr-electron-ipc-'));
const tiny = (steps: number, extra: Record<string, unknown> = {}) => ({
  task: { kind: 'polynomial', inputDim: 10, terms: [{ support: [0] }, { support: [1, 2] }] },
  model: { layers: 4, dModel: 16, ffDim: 16 },
  policy: { kind: 'raptr', schedule: { label: '2-3-4' } },
  training: { batchSize: 32, steps, evalEvery: 10, checkpointEvery: 10, seed: 3, backend: 'wasm', ...extra },
});

let raptr: RaptrApi;
const called = new Set<string>();
/** Unwraps a result, remembering which channel the test exercised. */
async function ok<T>(channel: string, result: Promise<Result<T>>): Promise<T> {
  called.add(channel);
  const answer = await result;
  if (!answer.ok) throw new Error(`${channel}: ${answer.error.code} ${answer.error.message}`);
  return answer.value;
}
/** The next event of one kind that matches, heard through window.raptr.on. */
function next<E extends EventName>(event: E, match: (payload: Events[E]) => boolean): Promise<Events[E]> {
  return new Promise((resolve) => {
    const off = raptr.on(event, (payload) => {
      if (!match(payload)) return;
      off();
      resolve(payload);
    });
  });
}
const statusOf = (runId: string, status: string) =>
  next('run:status', (e) => e.runId === runId && e.status === status);

beforeAll(async () => {
  process.env.RAPTR_HOME = home;
  delete process.env.RAPTR_DB;
  await (
    await import('../../src-main/main.js')
  ).desktopReady;
  await import('../../src-main/preload.js');
  raptr = fake.contextBridge.exposed.get('raptr') as RaptrApi;
});
afterAll(async () => {
  fake.app.quit();
  await fake.app.whenQuit();
});

describe('the contract over Electron IPC', () => {
  it('exposes one method per channel and `on`, nothing generic', () => {
    const methods = Object.entries(raptr).flatMap(([ns, group]) =>
      typeof group === 'function' ? [ns] : Object.keys(group as object).map((m) => `${ns}:${m}`),
    );
    expect(methods.sort()).toEqual([...CHANNEL_NAMES, 'on'].sort());
    expect(() => raptr.on('runs:list' as EventName, () => {})).toThrow(/unknown event/);
  });

  it('answers every channel, streams live events in batches, and trains through utility processes', async () => {
    expect((await ok('presets:list', raptr.presets.list({}))).length).toBeGreaterThan(0);
    expect((await ok('config:validate', raptr.config.validate({ config: tiny(40) }))).valid).toBe(true);
    const info = await ok('system:info', raptr.system.info({}));
    expect(info.database).toBe(join(home, 'raptr.db'));
    expect(info.backends.find((b) => b.name === 'wasm')?.available).toBe(true);
    expect(fake.utilityProcess.forks[0]).toMatchObject({
      modulePath: expect.stringMatching(/trainer[/\\]entry\.js$/),
      options: { serviceName: 'RaPTr trainer', stdio: 'pipe' },
    });

    const run = await ok('runs:create', raptr.runs.create({ config: tiny(40), name: 'ipc', start: false }));
    expect(run.status).toBe('stopped');
    let metricMessages = 0;
    let stepsStreamed = 0;
    const offMetrics = raptr.on('run:metrics', (e) => {
      metricMessages++;
      stepsStreamed += e.steps.length;
    });
    const stages = next('run:stage', (e) => e.runId === run.id);
    const done = statusOf(run.id, 'completed');
    await ok('runs:start', raptr.runs.start({ id: run.id }));
    await Promise.all([done, stages]);
    offMetrics();
    expect(stepsStreamed).toBe(40);
    expect(metricMessages).toBeLessThan(40); // batched, never one message per step

    expect((await ok('runs:list', raptr.runs.list({}))).map((r) => r.id)).toContain(run.id);
    expect((await ok('runs:get', raptr.runs.get({ id: run.id }))).stages).toHaveLength(3);
    const renamed = await ok('runs:update', raptr.runs.update({ id: run.id, name: 'renamed', tags: ['x'] }));
    expect(renamed).toMatchObject({ name: 'renamed', tags: ['x'] });
    const series = raptr.metrics.series({ runId: run.id, keys: ['train/loss'], xAxis: 'flops', buckets: 8 });
    expect((await ok('metrics:series', series))[0]!.key).toBe('train/loss');
    const batch = raptr.metrics.batch({
      queries: [{ runId: run.id, keys: ['train/loss'], xAxis: 'step', buckets: 4 }],
    });
    expect((await ok('metrics:batch', batch))[0]![0]!.key).toBe('train/loss');
    expect(await ok('metrics:keys', raptr.metrics.keys({ runId: run.id }))).toContain('train/loss');
    expect(await ok('metrics:masks', raptr.metrics.masks({ runId: run.id, last: 3 }))).toHaveLength(3);
    expect((await ok('runs:compare', raptr.runs.compare({ ids: [run.id] }))).runs).toHaveLength(1);
    expect((await ok('runs:columns', raptr.runs.columns({}))).metrics).toContain('train/loss');
    const withColumns = await ok('runs:list', raptr.runs.list({ columns: ['config:model.layers'] }));
    expect(withColumns[0]!.columns).toEqual({ 'config:model.layers': expect.any(Number) });
    expect(Array.isArray(await ok('runs:logs', raptr.runs.logs({ id: run.id })))).toBe(true);
    const archived = await ok('runs:bulk', raptr.runs.bulk({ ids: [run.id], action: 'tag', tag: 'ipc' }));
    expect(archived).toEqual([{ id: run.id, ok: true }]);
    const exported = await ok('export:run', raptr.export.run({ id: run.id, format: 'csv', out: 'csv' }));
    expect(exported.files.length).toBeGreaterThan(0);
    expect(existsSync(join(home, 'exports', 'csv'))).toBe(true); // the data folder's exports/
    const download = await ok('export:download', raptr.export.download({ id: run.id, format: 'csv' }));
    expect(download.file).toMatch(/\.zip$/);

    const spare = await ok('runs:create', raptr.runs.create({ config: tiny(10), start: false }));
    expect(await ok('runs:delete', raptr.runs.delete({ id: spare.id }))).toEqual({ deleted: true });
  });

  let long: RunSummary;
  let resumedFrom = 0;
  it('stops and resumes a run', async () => {
    long = await ok('runs:create', raptr.runs.create({ config: tiny(5000, { checkpointEvery: 100_000 }) }));
    await next('run:metrics', (e) => e.runId === long.id);
    const stopped = statusOf(long.id, 'stopped');
    expect(await ok('runs:stop', raptr.runs.stop({ id: long.id }))).toEqual({ status: 'stopping' });
    await stopped;
    const resumed = await ok('runs:resume', raptr.runs.resume({ id: long.id }));
    resumedFrom = resumed.fromStep;
    expect(resumedFrom).toBeGreaterThan(0); // the stop wrote a checkpoint
    await next('run:metrics', (e) => e.runId === long.id && e.steps.some((s) => s.step > resumedFrom));
  });

  it('covered every channel of the contract', () => {
    expect([...called].sort()).toEqual([...CHANNEL_NAMES].sort());
  });

  it('on quit, waits until the running run has stopped with a checkpoint, then quits', async () => {
    fake.app.quit();
    expect(fake.app.hasQuit).toBe(false); // held open while the trainer checkpoints
    await fake.app.whenQuit();
    const db = openDatabase(join(home, 'raptr.db'));
    try {
      expect(getRun(db, long.id)?.status).toBe('stopped');
      expect(latestCheckpoint(db, long.id)!.step).toBeGreaterThan(resumedFrom);
    } finally {
      db.close();
    }
  });
});
