// Per-run queries built on stored rows: recent masks, the stage table, first-reach, events, checkpoints.
import { describe, expect, it } from 'vitest';
import { stageOf, trainerStream } from '../../bench/store-stream.js';
import type { TrainerMessage } from '../../shared/trainer-protocol.js';
import {
  addEvent,
  appendSeriesPoints,
  bestCheckpoint,
  deleteCheckpoint,
  evalSeries,
  firstReach,
  latestCheckpoint,
  listCheckpoints,
  listEvents,
  MetricIngestor,
  recentMasks,
  recordCheckpoint,
  runState,
  runStates,
  seriesBestAndLast,
  setCheckpointEvalLoss,
  setRunStatus,
  stageSummary,
  updateRun,
} from '../../src-main/store/index.js';
import { makeRun, memoryDb } from './helpers.js';

type StepMessage = Extract<TrainerMessage, { type: 'step' }>;

const STEPS = 3000;
const db = memoryDb();
const run = makeRun(db);
const messages = [...trainerStream({ steps: STEPS, evalEvery: 250 })];
const steps = messages.filter((m): m is StepMessage => m.type === 'step');
const ingestor = new MetricIngestor(db);
for (const message of messages) ingestor.ingest(run.id, message);
ingestor.close();

describe('run queries', () => {
  it('gives the masks of the last N steps, oldest first', () => {
    const masks = recentMasks(db, run.id, 64);
    expect(masks).toHaveLength(64);
    expect(masks.map((m) => m.step)).toEqual(steps.slice(-64).map((s) => s.step));
    expect(masks.map((m) => m.mask)).toEqual(steps.slice(-64).map((s) => s.mask));
  });

  it('summarises each stage from the stored rows', () => {
    const summary = stageSummary(db, run.id);
    expect(summary.map((s) => s.stage)).toEqual([0, 1, 2, 3]);
    let flopsBefore = 0;
    for (const stage of summary) {
      const inStage = steps.filter((s) => stageOf(s.step, STEPS, 4) === stage.stage);
      const end = inStage.at(-1)!;
      expect(stage).toMatchObject({
        firstStep: inStage[0]!.step,
        lastStep: end.step,
        steps: inStage.length,
        label: `stage ${stage.stage + 1} of 4`,
        trainLossAtEnd: end.loss,
      });
      expect(stage.meanActive).toBeCloseTo(inStage.reduce((a, s) => a + s.active, 0) / inStage.length, 9);
      expect(stage.flops).toBeCloseTo(end.cumFlops - flopsBefore, 0);
      flopsBefore = end.cumFlops;
      expect(stage.evalAtEnd).toMatchObject({
        step: end.step,
        reason: stage.stage === 3 ? 'final' : 'stage-end',
      });
      expect(stage.evalAtEnd!.results['eval/loss']).toBeGreaterThan(2);
    }
  });

  it('finds the first x where a series reaches a target (running minimum), with interpolation', () => {
    for (const target of [9, 5, 3.2, 2.95]) {
      const index = steps.findIndex((s) => s.loss <= target);
      const hit = firstReach(db, { runId: run.id, key: 'train/loss', target, xAxis: 'flops' });
      expect(hit).toMatchObject({
        step: steps[index]!.step,
        x: steps[index]!.cumFlops,
        value: steps[index]!.loss,
      });
      if (index > 0) {
        expect(hit!.xInterpolated).toBeGreaterThanOrEqual(steps[index - 1]!.cumFlops);
        expect(hit!.xInterpolated).toBeLessThanOrEqual(steps[index]!.cumFlops);
      }
    }
    expect(firstReach(db, { runId: run.id, key: 'train/loss', target: 0 })).toBeNull();
    const evalLoss = evalSeries(db, run.id)['eval/loss']!;
    const target = evalLoss[5]!.value!;
    expect(firstReach(db, { runId: run.id, target, xAxis: 'tokens' })).toMatchObject({
      step: evalLoss[5]!.step,
      x: evalLoss[5]!.tokens,
    });
  });

  it('gives the best and the last finite value of a series, skipping NaN and infinities', () => {
    const other = makeRun(db);
    const points = [3, -Infinity, 2, null, 2.5, Infinity].map((value, step) => ({
      step,
      value,
      wallMs: step,
      flops: step,
      tokens: step,
    }));
    appendSeriesPoints(db, { runId: other.id, key: 'eval/mlm_loss', points });
    expect(seriesBestAndLast(db, other.id, 'eval/mlm_loss')).toEqual({ best: 2, last: 2.5 });
    expect(seriesBestAndLast(db, other.id, 'eval/none')).toEqual({ best: null, last: null });
  });

  it('applies debiased EMA smoothing when asked', () => {
    const weight = 0.9;
    let ema = 0;
    const smoothed = steps.map((s, i) => {
      ema = ema * weight + (1 - weight) * s.loss;
      return ema / (1 - weight ** (i + 1));
    });
    const index = smoothed.findIndex((v) => v <= 3);
    const hit = firstReach(db, {
      runId: run.id,
      key: 'train/loss',
      target: 3,
      smoothing: weight,
      xAxis: 'step',
    });
    expect(hit).toMatchObject({ step: steps[index]!.step });
    expect(hit!.value).toBeCloseTo(smoothed[index]!, 9);
  });

  it('lists events by kind and after an id, and validates new ones', () => {
    const stages = listEvents(db, run.id, { kinds: ['stage'] });
    expect(stages.map((e) => e.step)).toEqual([0, 750, 1500, 2250]);
    const lastId = listEvents(db, run.id).at(-1)!.id;
    addEvent(db, { runId: run.id, kind: 'log', payload: { message: 'note' } });
    expect(listEvents(db, run.id, { afterId: lastId }).map((e) => e.payload)).toEqual([{ message: 'note' }]);
    expect(() => addEvent(db, { runId: run.id, kind: 'party' as never, payload: {} })).toThrow(/event\.kind/);
  });

  it('records checkpoints, keeps the best by eval loss, and validates them', () => {
    const other = makeRun(db);
    const sha = 'a'.repeat(64);
    recordCheckpoint(db, { runId: other.id, step: 100, path: '/c/100', bytes: 10, sha256: sha, evalLoss: 3 });
    recordCheckpoint(db, {
      runId: other.id,
      step: 200,
      path: '/c/200',
      bytes: 10,
      sha256: sha,
      evalLoss: 2.5,
    });
    const last = recordCheckpoint(db, { runId: other.id, step: 300, path: '/c/300', bytes: 10, sha256: sha });
    expect(latestCheckpoint(db, other.id)?.step).toBe(300);
    expect(bestCheckpoint(db, other.id)?.step).toBe(200);
    expect(setCheckpointEvalLoss(db, other.id, 300, 2)).toBe(true);
    expect(bestCheckpoint(db, other.id)?.step).toBe(300);
    expect(deleteCheckpoint(db, last.id)).toBe(true);
    expect(listCheckpoints(db, other.id).map((c) => c.step)).toEqual([100, 200]);
    expect(() =>
      recordCheckpoint(db, { runId: other.id, step: 1, path: '/x', bytes: 1, sha256: 'zz' }),
    ).toThrow(/checkpoint\.sha256: must be 64 hex digits/);
    expect(() =>
      recordCheckpoint(db, { runId: other.id, step: -1, path: '/x', bytes: 1, sha256: sha }),
    ).toThrow(/checkpoint\.step/);
  });

  it("reads one run's state by id, as the every-run snapshot has it", () => {
    const own = memoryDb();
    const first = makeRun(own, { name: 'first', tags: ['b', 'a'] });
    const second = makeRun(own, { name: 'second' });
    setRunStatus(own, first.id, { status: 'running' });
    updateRun(own, second.id, { archived: true });
    for (const state of runStates(own)) expect(runState(own, state.id)).toEqual(state);
    // name, archived and the sorted tags, NUL-separated
    expect(runState(own, first.id)).toEqual({
      id: first.id,
      status: 'running',
      label: 'first\u00000\u0000a\u0000b',
    });
    expect(runState(own, second.id)!.label).toBe('second\u00001\u0000');
    expect(runState(own, 'no-such-run')).toBeUndefined();
  });
});
