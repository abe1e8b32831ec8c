// What the runs table and the run page ask of the services beyond the basics: extra columns (config fields,
// final and best metrics), the column chooser, log lines, bulk actions with an outcome per run, resuming
// from an earlier checkpoint (a rewind), and a comparison that survives a deleted run and mixed tasks.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type {
  BulkOutcome,
  ColumnChoices,
  CompareResult,
  LogEntry,
  RunDetail,
  RunSummary,
} from '../../shared/api-types.js';
import { RunManager } from '../../src-main/runs/run-manager.js';
import { dispatch } from '../../src-main/services/dispatch.js';
import { createHandlers } from '../../src-main/services/handlers.js';
import { openDatabase } from '../../src-main/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'raptr-run-table-'));
const manager = new RunManager({
  db: openDatabase(join(dir, 'raptr.db')),
  runsDir: join(dir, 'runs'),
  slots: { gpus: [], cpu: 2 },
});
const handlers = createHandlers({ manager, databasePath: join(dir, 'raptr.db'), electronVersion: null });
afterAll(() => manager.shutdown());

const poly = {
  task: { kind: 'polynomial', inputDim: 10, terms: [{ support: [0] }, { support: [1, 2] }] },
  model: { layers: 4, dModel: 16, ffDim: 16 },
  policy: { kind: 'raptr', schedule: { label: '2-3-4' } },
  training: { batchSize: 32, steps: 60, evalEvery: 10, checkpointEvery: 20, backend: 'wasm' },
};

async function call<T>(channel: string, payload: unknown): Promise<T> {
  const result = await dispatch(handlers, channel, payload);
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
  return result.value as T;
}

async function trained(name: string, patch: Record<string, unknown> = {}): Promise<string> {
  const run = await call<RunSummary>('runs:create', { config: { ...poly, ...patch }, name, tags: ['t'] });
  await manager.waitFor(run.id);
  return run.id;
}

describe('the runs table services', () => {
  it('adds config and metric columns, and offers every field and metric in the chooser', async () => {
    const a = await trained('a');
    const b = await trained('b', { model: { ...poly.model, layers: 6 } });
    const choices = await call<ColumnChoices>('runs:columns', {});
    expect(choices.config).toEqual(expect.arrayContaining(['model.layers', 'training.steps', 'policy.kind']));
    expect(choices.metrics).toEqual(expect.arrayContaining(['train/loss', 'eval/loss']));

    const columns = ['config:model.layers', 'final:train/loss', 'best:eval/loss', 'best:eval/nope'];
    const rows = await call<RunSummary[]>('runs:list', { columns });
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(a)!.columns!['config:model.layers']).toBe(4);
    expect(byId.get(b)!.columns!['config:model.layers']).toBe(6);
    const detail = await call<RunDetail>('runs:get', { id: a });
    expect(byId.get(a)!.columns!['best:eval/loss']).toBe(detail.summary.bestEvalLoss);
    expect(typeof byId.get(a)!.columns!['final:train/loss']).toBe('number');
    expect(byId.get(a)!.columns!['best:eval/nope']).toBeNull();
    // Stage boundaries on every axis: one mark per stage start, then the newest step.
    expect(detail.stageMarks.map((m) => m.step)).toEqual([0, 20, 40, 59]);
    expect(detail.stageMarks[1]!.flops).toBeGreaterThan(0);

    const bad = await dispatch(handlers, 'runs:list', { columns: ['layers'] });
    expect(bad.ok || bad.error.message).toMatch(/columns\[0\]: must be config:/);
  });

  it('tags, archives and deletes a selection, reporting each run', async () => {
    const [a, b] = (await call<RunSummary[]>('runs:list', {})).map((r) => r.id);
    const tagged = await call<BulkOutcome[]>('runs:bulk', {
      ids: [a, b, 'gone'],
      action: 'tag',
      tag: 'sweep',
    });
    expect(tagged).toEqual([
      { id: a, ok: true },
      { id: b, ok: true },
      { id: 'gone', ok: false, error: 'no run gone (deleted meanwhile?)' },
    ]);
    expect((await call<RunSummary[]>('runs:list', { tag: 'sweep' })).length).toBe(2);
    await call('runs:bulk', { ids: [a], action: 'archive' });
    expect((await call<RunSummary[]>('runs:list', {})).map((r) => r.id)).toEqual([b]);
    const noTag = await dispatch(handlers, 'runs:bulk', { ids: [a], action: 'untag' });
    expect(noTag.ok || noTag.error).toMatchObject({ code: 'invalid-input', message: /tag/ });
    expect(await call<BulkOutcome[]>('runs:bulk', { ids: [a], action: 'delete' })).toEqual([
      { id: a, ok: true },
    ]);
    expect((await call<RunSummary[]>('runs:list', { archived: null })).map((r) => r.id)).toEqual([b]);
  });

  it('reads a run’s log lines and resumes it from an earlier checkpoint, dropping what came after', async () => {
    const id = (await call<RunSummary[]>('runs:list', {}))[0]!.id;
    const logs = await call<LogEntry[]>('runs:logs', { id });
    const messages = logs.map((l) => l.message);
    expect(messages[0]).toMatch(/^started on .+ \(wasm\), .+ parameters$/);
    expect(messages).toContain('stage 2 of 3 · p=0.50 begins: p=0.50, 3 blocks expected');
    expect(messages.some((m) => /^eval \(periodic\): loss \d/.test(m))).toBe(true);
    expect(messages.some((m) => /^checkpoint written \(.+B\)$/.test(m))).toBe(true);
    expect(messages.at(-1)).toBe('completed after 60 steps');
    const later = await call<LogEntry[]>('runs:logs', { id, afterId: logs.at(-2)!.id });
    expect(later.map((l) => l.message)).toEqual(['completed after 60 steps']);
    expect((await call<LogEntry[]>('runs:logs', { id, limit: 1 })).map((l) => l.message)).toEqual([
      messages.at(-1),
    ]);
    const before = await call<RunDetail>('runs:get', { id });
    expect(before.checkpoints.map((c) => c.step)).toEqual([20, 40, 60]);
    const missing = await dispatch(handlers, 'runs:resume', { id, fromStep: 33 });
    expect(missing.ok || missing.error.message).toMatch(/no checkpoint at step 33; it has 20, 40, 60/);

    const resumed = await call<{ fromStep: number }>('runs:resume', { id, fromStep: 20 });
    expect(resumed.fromStep).toBe(20);
    expect((await call<RunDetail>('runs:get', { id })).checkpoints.map((c) => c.step)).toEqual([20]);
    await manager.waitFor(id);
    const after = await call<RunDetail>('runs:get', { id });
    expect(after.run.status).toBe('completed');
    expect(after.summary.stepsDone).toBe(60);
    expect(after.checkpoints.map((c) => c.step)).toEqual([20, 40, 60]);

    // The run page's backend choice: this resume trains on cpu, the recorded config keeps wasm.
    await call('runs:resume', { id, fromStep: 40, backend: 'cpu' });
    await manager.waitFor(id);
    const onCpu = await call<RunDetail>('runs:get', { id });
    expect(onCpu.run).toMatchObject({ status: 'completed', backend: 'cpu' });
    expect((onCpu.run.config as { training: { backend: string } }).training.backend).toBe('wasm');
  });

  it('compares around a deleted run and keeps each task’s own metric', async () => {
    const poly1 = (await call<RunSummary[]>('runs:list', {}))[0]!.id;
    const result = await call<CompareResult>('runs:compare', { ids: [poly1, 'r-deleted'] });
    expect(result.missing).toEqual(['r-deleted']);
    expect(result.runs.map((r) => [r.id, r.task, r.evalKey])).toEqual([[poly1, 'polynomial', 'eval/loss']]);
    expect(result.target).not.toBeNull();
    const none = await dispatch(handlers, 'runs:compare', { ids: ['r-deleted'] });
    expect(none.ok || none.error.code).toBe('not-found');
  });
});
