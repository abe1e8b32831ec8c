// The contract implemented once: every channel answers through dispatch with { ok, value } or
// { ok: false, error }, validated at the boundary. Real runs, real store.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunDetail, RunSummary, SeriesResult } from '../../shared/api-types.js';
import { CHANNEL_NAMES } from '../../shared/ipc-contract.js';
import { RunManager } from '../../src-main/runs/run-manager.js';
import { dispatch } from '../../src-main/services/dispatch.js';
import { createHandlers } from '../../src-main/services/handlers.js';
import { liveEvents } from '../../src-main/services/live-events.js';
import { openDatabase } from '../../src-main/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'raptr-services-'));
const manager = new RunManager({
  db: openDatabase(join(dir, 'raptr.db')),
  runsDir: join(dir, 'runs'),
  slots: { gpus: [], cpu: 2 },
});
const handlers = createHandlers({ manager, databasePath: join(dir, 'raptr.db'), electronVersion: null });
const events = liveEvents(manager);
afterAll(async () => {
  events.close();
  await manager.shutdown();
});

const config = {
  task: { kind: 'polynomial', inputDim: 10, terms: [{ support: [0] }, { support: [1, 2] }] },
  model: { layers: 4, dModel: 16, ffDim: 16 },
  policy: { kind: 'raptr', schedule: { label: '2-3-4' } },
  training: { batchSize: 32, steps: 60, evalEvery: 10, backend: 'wasm' },
};

async function ok<T>(channel: string, payload: unknown): Promise<T> {
  const result = await dispatch(handlers, channel, payload);
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
  return result.value as T;
}

describe('services through dispatch', () => {
  it('creates a run, streams batched live events, and answers every query about it', async () => {
    const seen: string[] = [];
    let metricMessages = 0;
    let stepsStreamed = 0;
    events.subscribe((event, payload) => {
      seen.push(event);
      if (event === 'run:metrics') {
        metricMessages++;
        stepsStreamed += (payload as { steps: unknown[] }).steps.length;
      }
    });
    const created = await ok<RunSummary>('runs:create', { config, name: 'svc', tags: ['a'] });
    expect(created).toMatchObject({ name: 'svc', status: 'running', stepsTotal: 60 });
    await manager.waitFor(created.id);
    expect(stepsStreamed).toBe(60);
    expect(metricMessages).toBeLessThan(60);
    expect(seen).toEqual(expect.arrayContaining(['run:status', 'run:metrics', 'run:eval', 'run:stage']));

    const list = await ok<RunSummary[]>('runs:list', {});
    expect(list.map((r) => r.id)).toContain(created.id);
    const detail = await ok<RunDetail>('runs:get', { id: created.id });
    expect(detail.stages).toHaveLength(3);
    const [loss] = await ok<SeriesResult[]>('metrics:series', {
      runId: created.id,
      keys: ['train/loss'],
      xAxis: 'flops',
      buckets: 20,
    });
    expect(loss!.mode).toBe('buckets');
    expect(await ok<string[]>('metrics:keys', { runId: created.id })).toContain('eval/loss');
    expect(await ok<unknown[]>('metrics:masks', { runId: created.id, last: 5 })).toHaveLength(5);
    const updated = await ok<RunSummary>('runs:update', { id: created.id, name: 'renamed', tags: ['b'] });
    expect(updated).toMatchObject({ name: 'renamed', tags: ['b'] });
    const compared = await ok<{ runs: unknown[] }>('runs:compare', { ids: [created.id] });
    expect(compared.runs).toHaveLength(1);
    const check = await ok<{ valid: boolean; expectedRelativeFlopsBlocksOnly: number }>('config:validate', {
      config,
    });
    expect(check.valid).toBe(true);
    expect(check.expectedRelativeFlopsBlocksOnly).toBeCloseTo(4 / 3, 2);
    expect(await ok<{ deleted: boolean }>('runs:delete', { id: created.id })).toEqual({ deleted: true });
  });

  it('answers bad input with errors that name the field, and unknown runs with not-found', async () => {
    const bad = await dispatch(handlers, 'metrics:series', {
      runId: 'x',
      keys: [],
      xAxis: 'nope',
      buckets: 0,
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.issues?.map((i) => i.path)).toEqual(['keys', 'xAxis', 'buckets']);
    const missing = await dispatch(handlers, 'runs:get', { id: 'nosuchrun' });
    expect(missing).toEqual({
      ok: false,
      error: { code: 'not-found', message: 'no run with id "nosuchrun"' },
    });
    const invalidConfig = await dispatch(handlers, 'runs:create', { config: { model: { heads: 3 } } });
    expect(invalidConfig.ok === false && invalidConfig.error.issues).toEqual([
      { path: 'config.model.heads', message: '3 does not divide dModel 128' },
    ]);
    expect(await dispatch(handlers, 'no:such', {})).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    expect((await dispatch(handlers, 'config:validate', { config: { training: { steps: -1 } } })).ok).toBe(
      true,
    );
  });

  it('implements every channel of the contract', () => {
    expect(Object.keys(handlers).sort()).toEqual([...CHANNEL_NAMES].sort());
  });
});

describe('the contract', () => {
  it('validates exactly the channels the zod-free API names', async () => {
    const { CHANNELS } = await import('../../shared/ipc-contract.js');
    expect(Object.keys(CHANNELS).sort()).toEqual([...CHANNEL_NAMES].sort());
  });
});
