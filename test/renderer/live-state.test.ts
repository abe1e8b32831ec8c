// The state behind the live run page and the compare view, against a fake API: live steps extend the loss
// band and the mask heatmap without a fetch per step; a zoom re-fetches min/max buckets for the visible range.
import { describe, expect, it, vi } from 'vitest';
import type { SeriesResult } from '../../shared/api-types.js';
import type { LiveStep } from '../../shared/ipc-contract.js';
import { CompareState } from '../../src-renderer/lib/state/compare.svelte.js';
import { RunLive } from '../../src-renderer/lib/state/run-live.svelte.js';
import { fakeApi } from './fake-api.js';

const raw = (key: string, xs: number[], ys: number[]): SeriesResult => ({
  key,
  mode: 'raw',
  cellSteps: 0,
  width: 0,
  x: xs,
  min: ys,
  max: ys,
  mean: ys,
  count: xs.map(() => 1),
  xFirst: xs,
  xLast: xs,
});

const step = (n: number, loss: number): LiveStep => ({
  step: n,
  stage: 0,
  lr: 1e-3,
  loss,
  mask: '1011',
  active: 3,
  scale: 1,
  cumFlops: n * 3,
  cumFullFlops: n * 4,
  tokens: n * 512,
  stepMs: 100,
  examplesPerSec: 160,
  wallMs: n * 100,
});

describe('RunLive', () => {
  function setup() {
    const fake = fakeApi({
      'runs:get': () =>
        ({
          run: { status: 'running', backend: null },
          summary: { stepsDone: 3, stepsTotal: 10, wallMs: 300 },
        }) as never,
      'metrics:series': ({ keys }) => keys.map((k) => raw(k, [0, 1, 2], [3, 2.9, 2.8])),
      'metrics:keys': () => ['train/loss'],
      'metrics:masks': () => [{ step: 2, stage: 0, mask: '1111' }],
    });
    return { fake, live: new RunLive(fake.api, 'r1') };
  }

  it('appends live steps to the loss band and the masks, and estimates the time left', async () => {
    const { fake, live } = setup();
    await live.load();
    const off = live.listen();
    const fetches = fake.calls.filter((c) => c.channel === 'metrics:series').length;
    fake.emit('run:metrics', { runId: 'r1', steps: [step(3, 2.7), step(4, 2.6)] });
    fake.emit('run:metrics', { runId: 'other', steps: [step(9, 1)] });
    expect(live.lossBand.mean.map((p) => p.x)).toEqual([0, 1, 2, 3, 4]);
    expect(live.masks.map((m) => m.step)).toEqual([2, 3, 4]);
    expect(live.currentStep).toBe(4);
    expect(live.etaMs()).toBe(5 * 100); // 5 steps left at 100 ms each
    expect(fake.calls.filter((c) => c.channel === 'metrics:series').length).toBe(fetches);
    off();
  });

  it('catches up from the store when step events were lost, instead of holding the last live step', async () => {
    let stored = 3;
    const fake = fakeApi({
      'runs:get': () =>
        ({
          run: { status: stored >= 10 ? 'completed' : 'running', backend: null },
          summary: { stepsDone: stored, stepsTotal: 10, wallMs: stored * 100 },
        }) as never,
      'metrics:series': ({ keys }) => keys.map((k) => raw(k, [0, 1, 2], [3, 2.9, 2.8])),
      'metrics:keys': () => ['train/loss'],
      'metrics:masks': () => [{ step: stored - 1, stage: 0, mask: '1111' }],
    });
    const live = new RunLive(fake.api, 'r1');
    await live.load();
    const off = live.listen();
    fake.emit('run:metrics', { runId: 'r1', steps: [step(3, 2.7)] });
    expect(live.currentStep).toBe(3);
    // Steps 4-9 were stored but their events never arrived; the run then ended.
    stored = 10;
    const seriesBefore = fake.calls.filter((c) => c.channel === 'metrics:series').length;
    await live.refreshDetail();
    expect(live.status).toBe('completed');
    expect(live.latest).toBeNull();
    expect(live.currentStep).toBe(9);
    await vi.waitFor(() => {
      expect(fake.calls.filter((c) => c.channel === 'metrics:series').length).toBeGreaterThan(seriesBefore);
      expect(live.masks.at(-1)?.step).toBe(9);
    });
    // A store that is not ahead leaves the live step alone.
    fake.emit('run:metrics', { runId: 'r1', steps: [step(9, 2.1)] });
    await live.refreshDetail();
    expect(live.latest?.step).toBe(9);
    off();
  });

  it('re-fetches the visible steps on zoom and stops appending live points while zoomed', async () => {
    vi.useFakeTimers();
    const { fake, live } = setup();
    await live.load();
    const off = live.listen();
    live.setLossRange([1, 2]);
    await vi.advanceTimersByTimeAsync(10);
    const last = fake.calls.filter((c) => c.channel === 'metrics:series').at(-1)!.request;
    expect(last).toMatchObject({ keys: ['train/loss'], range: [1, 2] });
    fake.emit('run:metrics', { runId: 'r1', steps: [step(3, 2.7)] });
    expect(live.lossBand.mean.map((p) => p.x)).toEqual([0, 1, 2]);
    off();
    vi.useRealTimers();
  });
});

describe('CompareState', () => {
  it('asks for the FLOPs axis by default, one bucket per pixel, and the visible range after a zoom', async () => {
    vi.useFakeTimers();
    const fake = fakeApi({
      'runs:compare': ({ ids }) =>
        ({
          key: 'eval/mlm_loss',
          target: 2.9,
          targetSource: 'highest best loss',
          differences: [],
          missing: [],
          runs: ids.map((id) => ({
            id,
            name: id,
            task: 'mlm',
            evalKey: 'eval/mlm_loss',
            seriesKey: 'eval/mlm_loss',
          })),
        }) as never,
      // eval/loss (3 points) is there to show that the compared key (eval/mlm_loss, 2 points) is drawn.
      'metrics:batch': ({ queries }) =>
        queries.map(({ keys }) =>
          keys.map((k) => (k === 'eval/loss' ? raw(k, [1, 2, 3], [3, 2, 1]) : raw(k, [1e9, 2e9], [3, 2]))),
        ),
    });
    const state = new CompareState(fake.api, ['a', 'b']);
    state.setBuckets(640);
    await state.load();
    // Every run's curves come in one metrics:batch request; flatten its queries to compare them.
    const series = () =>
      fake.calls
        .filter((c) => c.channel === 'metrics:batch')
        .flatMap((c) => (c.request as { queries: unknown[] }).queries);
    // The first load asks for every held-out key at once, beside the compare request that names the one to
    // draw; later fetches ask for that key only.
    const firstKeys = ['train/loss', 'eval/mlm_loss', 'eval/loss'];
    expect(series()).toEqual([
      { runId: 'a', keys: firstKeys, xAxis: 'flops', buckets: 640 },
      { runId: 'b', keys: firstKeys, xAxis: 'flops', buckets: 640 },
    ]);
    expect(state.groups.map((g) => g.targetText)).toEqual(['2.9']);
    expect(state.curves.map((c) => c.eval.length)).toEqual([2, 2]);

    // A wheel gesture: the first notch fetches at once; later ones, while that fetch runs, collapse into
    // one fetch of the final range.
    state.setRange([1.2e9, 1.8e9]);
    state.setRange([1.25e9, 1.75e9]);
    state.setRange([1.3e9, 1.7e9]);
    await vi.advanceTimersByTimeAsync(50);
    const ranges = series()
      .slice(2)
      .map((r) => [(r as { runId: string }).runId, (r as { range?: unknown }).range]);
    expect(ranges).toEqual([
      ['a', [1.2e9, 1.8e9]],
      ['b', [1.2e9, 1.8e9]],
      ['a', [1.3e9, 1.7e9]],
      ['b', [1.3e9, 1.7e9]],
    ]);
    vi.useRealTimers();
  });

  it("draws each run's own series for the training-masking loss, older runs' eval/mlm_loss", async () => {
    const fake = fakeApi({
      'runs:compare': () =>
        ({
          key: 'eval/mlm_loss_train_masking',
          target: 6,
          targetSource: 'highest best loss',
          maskingNote: null,
          differences: [],
          missing: [],
          runs: [
            { id: 'old', name: 'old', task: 'mlm', evalKey: 'eval/mlm_loss', seriesKey: 'eval/mlm_loss' },
            {
              id: 'new',
              name: 'new',
              task: 'mlm',
              evalKey: 'eval/mlm_loss',
              seriesKey: 'eval/mlm_loss_train_masking',
            },
          ],
        }) as never,
      // Each run has both series; the old one's eval/mlm_loss has 3 points, the new one's 2.
      'metrics:batch': ({ queries }) =>
        queries.map(({ runId, keys }) =>
          keys.map((k) =>
            k === 'eval/mlm_loss' && runId === 'old'
              ? raw(k, [1, 2, 3], [7, 6.5, 6])
              : raw(k, [1, 2], [7, 6]),
          ),
        ),
    });
    const state = new CompareState(fake.api, ['old', 'new'], { key: 'eval/mlm_loss_train_masking' });
    await state.load();
    const batches = fake.calls.filter((c) => c.channel === 'metrics:batch');
    // Before the answer names each run's series: every name the key may have (and the other held-out loss).
    expect((batches[0]!.request as { queries: Array<{ keys: string[] }> }).queries[0]!.keys).toEqual([
      'train/loss',
      'eval/mlm_loss_train_masking',
      'eval/mlm_loss',
      'eval/loss',
    ]);
    expect(state.curves.map((c) => c.eval.length)).toEqual([3, 2]);
    await state.fetchCurves();
    // After it: each run's own series only.
    const later = fake.calls.filter((c) => c.channel === 'metrics:batch').at(-1)!;
    const queries = (later.request as { queries: Array<{ runId: string; keys: string[] }> }).queries;
    expect(queries.map((q) => [q.runId, q.keys])).toEqual([
      ['old', ['train/loss', 'eval/mlm_loss']],
      ['new', ['train/loss', 'eval/mlm_loss_train_masking']],
    ]);
    expect(state.curves.map((c) => c.eval.length)).toEqual([3, 2]);
  });
});

describe('CompareState with mixed tasks and a deleted run', () => {
  it('compares each task within its group, reports the missing id, and refuses a target that is not a number', async () => {
    const tasks: Record<string, [string, string]> = {
      m1: ['mlm', 'eval/mlm_loss'],
      p1: ['polynomial', 'eval/loss'],
      m2: ['mlm', 'eval/mlm_loss'],
    };
    const fake = fakeApi({
      'runs:compare': ({ ids, key }) => {
        const known = ids.filter((id) => id in tasks);
        return {
          key: key ?? tasks[known[0]!]![1],
          target: 2.9,
          targetSource: 'highest best loss',
          differences: [],
          missing: ids.filter((id) => !(id in tasks)),
          runs: known.map((id) => ({ id, name: id, task: tasks[id]![0], evalKey: tasks[id]![1] })),
        } as never;
      },
      'metrics:batch': ({ queries }) => {
        if (queries.some((q) => !(q.runId in tasks))) throw new Error('no run gone');
        return queries.map(({ keys }) => keys.map((k) => raw(k, [1, 2], [3, 2])));
      },
      'metrics:keys': ({ runId }) => ['train/loss', tasks[runId]![1]],
    });
    const state = new CompareState(fake.api, ['m1', 'p1', 'gone', 'm2']);
    await state.load();
    expect(state.missing).toEqual(['gone']);
    expect(state.groups.map((g) => [g.task, g.ids, g.key])).toEqual([
      ['mlm', ['m1', 'm2'], 'eval/mlm_loss'],
      ['polynomial', ['p1'], 'eval/loss'],
    ]);
    // Every run drawn, each with its own task's metric, despite the deleted one in the link.
    expect(state.curves.map((c) => [c.id, c.eval.length])).toEqual([
      ['m1', 2],
      ['m2', 2],
      ['p1', 2],
    ]);
    const poly = state.groups[1]!;
    const before = fake.calls.length;
    poly.targetText = 'abc';
    await poly.fetchCompare();
    expect(poly.targetError).toMatch(/“abc” is not a number/);
    expect(fake.calls.length).toBe(before);
    poly.targetText = '0.5';
    await poly.fetchCompare();
    expect(fake.calls.at(-1)?.request).toEqual({ ids: ['p1'], key: 'eval/loss', atLoss: 0.5 });
  });
});
