// The ingestor: trainer messages in, batched rows out; validation; replays after resume.
import { describe, expect, it } from 'vitest';
import { stageOf, trainerStream } from '../../bench/store-stream.js';
import {
  deleteRun,
  evalSeries,
  getRun,
  listCheckpoints,
  listEvents,
  listSeriesKeys,
  MetricIngestor,
  StoreError,
  type Db,
} from '../../src-main/store/index.js';
import { makeRun, memoryDb } from './helpers.js';

function count(db: Db, sql: string, ...params: unknown[]): number {
  return db
    .prepare(`SELECT count(*) FROM (${sql})`)
    .pluck()
    .get(...params) as number;
}

/** Rollup sums rebuilt after a replay add the same numbers in another order: equal to 12 digits. */
function roundSum(value: unknown): unknown {
  return typeof value === 'number' && !Number.isInteger(value) ? Number(value.toPrecision(12)) : value;
}

function ingestAll(ingestor: MetricIngestor, runId: string, messages: Iterable<unknown>): void {
  for (const message of messages) ingestor.ingest(runId, message);
}

describe('MetricIngestor', () => {
  it('turns a trainer stream into step rows, series points, events and checkpoints', () => {
    const db = memoryDb();
    const run = makeRun(db);
    const ingestor = new MetricIngestor(db);
    ingestor.ingest(run.id, {
      type: 'start',
      backend: { name: 'wasm', device: 'CPU (wasm, SIMD)', gpu: false, hint: null },
      config: {},
      stages: [],
      parameterCount: 1000,
      expectedRelativeFlops: 1.3,
      resumedFromStep: null,
      facts: {},
    });
    ingestAll(ingestor, run.id, trainerStream({ steps: 400, evalEvery: 100, checkpointEvery: 100 }));
    ingestor.ingest(run.id, { type: 'log', level: 'info', message: 'hello' });
    ingestor.ingest(run.id, { type: 'error', message: 'boom', stack: null });
    ingestor.close();

    expect(getRun(db, run.id)).toMatchObject({ backend: 'wasm', device: 'CPU (wasm, SIMD)' });
    expect(count(db, 'SELECT * FROM steps WHERE run_id = ?', run.id)).toBe(400);
    expect(listSeriesKeys(db, run.id)).toEqual([
      'eval/accuracy',
      'eval/loss',
      'perf/examples_per_s',
      'perf/step_ms',
      'train/active',
      'train/loss',
      'train/lr',
      'train/scale',
    ]);
    expect(ingestor.stats.points).toBe(400 * 6 + 4 * 2);
    const evalLoss = evalSeries(db, run.id)['eval/loss']!;
    expect(evalLoss.map((p) => p.step)).toEqual([99, 199, 299, 399]);
    const stepRow = db.prepare('SELECT * FROM steps WHERE run_id = ? AND step = 199').get(run.id) as {
      flops: number;
      tokens: number;
    };
    expect(evalLoss[1]).toMatchObject({ flops: stepRow.flops, tokens: stepRow.tokens });

    const kinds = listEvents(db, run.id).map((e) => e.kind);
    expect(kinds.filter((k) => k === 'stage')).toHaveLength(4);
    expect(kinds.filter((k) => k === 'eval')).toHaveLength(4);
    expect(kinds.filter((k) => k === 'checkpoint')).toHaveLength(4);
    expect(kinds).toContain('log');
    expect(kinds).toContain('error');
    const transitions = listEvents(db, run.id, { kinds: ['transition'] });
    expect(transitions.map((e) => e.step)).toEqual([100, 200, 300]);
    expect(transitions[0]!.payload).toMatchObject({ fromStage: 0, toStage: 1 });
    expect((transitions[0]!.payload as { lossBefore: number }).lossBefore).toBeGreaterThan(0);
    // A checkpoint after an eval at the same step carries its loss.
    const checkpoints = listCheckpoints(db, run.id);
    expect(checkpoints.map((c) => c.step)).toEqual([99, 199, 299, 399]);
    expect(checkpoints[0]!.evalLoss).toBeCloseTo(evalLoss[0]!.value!, 12);
  });

  it('flushes by size, by time, on demand and on close', async () => {
    const db = memoryDb();
    const run = makeRun(db);
    const stored = () => count(db, 'SELECT * FROM metric_points');
    const bySize = new MetricIngestor(db, { maxRows: 70, maxDelayMs: 60_000 });
    // One stage message, then 7 rows per step (the step row and six points): flushes after steps 10 and 20.
    ingestAll(bySize, run.id, [...trainerStream({ steps: 30, evalEvery: 0, stageSizes: [12] })].slice(0, 21));
    expect(stored()).toBe(120);
    expect(bySize.stats.flushes).toBe(2);
    bySize.close();
    expect(stored()).toBe(120);

    const run2 = makeRun(db);
    let flushed: string[] = [];
    const byTime = new MetricIngestor(db, { maxDelayMs: 20, onFlush: (info) => (flushed = info.runIds) });
    const oneStage = { evalEvery: 0, stageSizes: [12] };
    ingestAll(byTime, run2.id, trainerStream({ steps: 5, ...oneStage }));
    expect(count(db, 'SELECT * FROM steps WHERE run_id = ?', run2.id)).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(count(db, 'SELECT * FROM steps WHERE run_id = ?', run2.id)).toBe(5);
    expect(flushed).toEqual([run2.id]);
    ingestAll(byTime, run2.id, trainerStream({ steps: 6, fromStep: 5, ...oneStage }));
    // One step (its row and six points) and the final eval (two points and an event).
    expect(byTime.flush()).toBe(10);
    byTime.close();
    expect(() => byTime.ingest(run2.id, { type: 'ready', pid: 1 })).toThrow(/closed/);
  });

  it('records NaN and infinite metric values instead of dropping the step', () => {
    const db = memoryDb();
    const run = makeRun(db);
    const ingestor = new MetricIngestor(db);
    const [stage, step] = [...trainerStream({ steps: 1 })];
    ingestor.ingest(run.id, stage!);
    ingestor.ingest(run.id, { ...step!, loss: Number.NaN, stepMs: Number.POSITIVE_INFINITY });
    ingestor.ingest(run.id, { ...step!, step: 1, loss: null });
    ingestor.close();
    const values = db
      .prepare(
        `SELECT s.key, p.step, p.value FROM metric_points p JOIN series s ON s.id = p.series_id
         WHERE s.key IN ('train/loss', 'perf/step_ms') ORDER BY s.key, p.step`,
      )
      .raw()
      .all();
    expect(values).toEqual([
      ['perf/step_ms', 0, Number.POSITIVE_INFINITY],
      ['perf/step_ms', 1, step!.type === 'step' ? step!.stepMs : 0],
      ['train/loss', 0, null],
      ['train/loss', 1, null],
    ]);
  });

  it('refuses bad messages naming the field, queueing nothing', () => {
    const db = memoryDb();
    const run = makeRun(db);
    const ingestor = new MetricIngestor(db);
    ingestAll(ingestor, run.id, trainerStream({ steps: 10, evalEvery: 5 }));
    ingestor.flush();
    const snapshot = db.prepare('SELECT * FROM metric_points').all();
    const step = [...trainerStream({ steps: 11 })].filter((m) => m.type === 'step').at(-1)!;
    const bad: Array<[string, unknown, RegExp]> = [
      [run.id, { ...step, step: 1.5 }, /step message\.step: must be a whole number/],
      [run.id, { ...step, mask: '10x1' }, /step message\.mask/],
      [run.id, { ...step, loss: 'low' }, /step message\.loss: must be a number/],
      [run.id, { ...step, cumFlops: -1 }, /step message\.cumFlops: must be >= 0/],
      [run.id, { ...step, extra: 1 }, /extra/],
      [run.id, { type: 'eval', step: 3, stage: 0, reason: 'whenever', results: [] }, /eval message\.reason/],
      [
        run.id,
        { type: 'checkpoint', step: 3, path: '/x', bytes: 1, sha256: 'abc' },
        /checkpoint message\.sha256/,
      ],
      [run.id, { type: 'teleport' }, /trainer message\.type/],
      [run.id, null, /trainer message/],
      ['not a run id!', step, /runId/],
    ];
    for (const [runId, message, error] of bad) {
      expect(() => ingestor.ingest(runId, message)).toThrow(StoreError);
      expect(() => ingestor.ingest(runId, message)).toThrow(error);
    }
    expect(() => ingestor.ingest('nosuchrun', step)).toThrow(/no run with id "nosuchrun"/);
    expect(ingestor.flush()).toBe(0);
    expect(db.prepare('SELECT * FROM metric_points').all()).toEqual(snapshot);
  });

  it('after a resume, replayed steps replace what the killed attempt wrote after the checkpoint', () => {
    const db = memoryDb();
    const straight = makeRun(db);
    const resumed = makeRun(db);
    const options = { steps: 700, evalEvery: 50, checkpointEvery: 100 };
    const ingestor = new MetricIngestor(db, { maxRows: 500 });
    ingestAll(ingestor, straight.id, trainerStream(options));
    // First attempt dies after step 437; its last checkpoint was at step 399.
    ingestAll(
      ingestor,
      resumed.id,
      [...trainerStream(options)].filter((m) => !('step' in m) || m.step <= 437),
    );
    ingestor.flush();
    // A new ingestor, as after an app restart, then the resumed trainer replays from step 400.
    const after = new MetricIngestor(db, { maxRows: 500 });
    after.ingest(resumed.id, {
      type: 'start',
      backend: { name: 'cpu', device: 'CPU', gpu: false, hint: null },
      config: {},
      stages: [],
      parameterCount: 1,
      expectedRelativeFlops: 1,
      resumedFromStep: 399,
      facts: {},
    });
    ingestAll(after, resumed.id, trainerStream({ ...options, fromStep: 400 }));
    after.close();
    ingestor.close();

    const rows = (runId: string, table: string, order: string) =>
      db
        .prepare(
          `SELECT t.* FROM ${table} t JOIN series s ON s.id = t.series_id WHERE s.run_id = ? ORDER BY s.key, ${order}`,
        )
        .raw()
        .all(runId)
        .map((row) => (row as unknown[]).slice(1).map(roundSum));
    expect(rows(resumed.id, 'metric_points', 'step')).toEqual(rows(straight.id, 'metric_points', 'step'));
    expect(rows(resumed.id, 'metric_rollups', 'cell_steps, block')).toEqual(
      rows(straight.id, 'metric_rollups', 'cell_steps, block'),
    );
    const steps = (runId: string) =>
      db.prepare('SELECT * FROM steps WHERE run_id = ? ORDER BY step').raw().all(runId);
    expect(steps(resumed.id).map((r) => (r as unknown[]).slice(1))).toEqual(
      steps(straight.id).map((r) => (r as unknown[]).slice(1)),
    );
    const training = (runId: string) =>
      listEvents(db, runId, { kinds: ['eval', 'stage', 'transition'] }).map((e) => [e.kind, e.step]);
    expect(training(resumed.id)).toEqual(training(straight.id));
  });

  it('replaces a repeated eval at the same step', () => {
    const db = memoryDb();
    const run = makeRun(db);
    const ingestor = new MetricIngestor(db);
    const evalAt = (value: number) =>
      ingestor.ingest(run.id, {
        type: 'eval',
        step: 10,
        stage: stageOf(10, 20, 4),
        reason: 'final',
        results: [{ name: 'eval/loss', value }],
      });
    evalAt(3);
    ingestor.flush();
    evalAt(2.5);
    ingestor.close();
    expect(evalSeries(db, run.id)['eval/loss']!.map((p) => p.value)).toEqual([2.5]);
  });

  it('stores device telemetry as system/ series at the step it names, without timeline events', () => {
    const db = memoryDb();
    const run = makeRun(db);
    const ingestor = new MetricIngestor(db);
    ingestAll(ingestor, run.id, trainerStream({ steps: 20, evalEvery: 0, checkpointEvery: 0 }));
    ingestor.flush();
    const events = listEvents(db, run.id).length;
    for (const step of [7, 15])
      ingestor.ingest(run.id, {
        type: 'system',
        step,
        metrics: [
          { name: 'system/cpu_percent', value: 98 },
          { name: 'system/rss_mb', value: 812.5 },
          { name: 'system/gpu_mem_mb', value: 1500 + step },
        ],
      });
    ingestor.close();
    expect(listSeriesKeys(db, run.id)).toEqual(
      expect.arrayContaining(['system/cpu_percent', 'system/rss_mb', 'system/gpu_mem_mb']),
    );
    const gpu = evalSeries(db, run.id, 'system/')['system/gpu_mem_mb']!;
    expect(gpu.map((p) => [p.step, p.value])).toEqual([
      [7, 1507],
      [15, 1515],
    ]);
    expect(listEvents(db, run.id)).toHaveLength(events);
  });

  it('drops rows of a run deleted while they were pending, without failing the batch', () => {
    const db = memoryDb();
    const gone = makeRun(db);
    const kept = makeRun(db);
    const ingestor = new MetricIngestor(db);
    ingestAll(ingestor, gone.id, trainerStream({ steps: 10 }));
    ingestAll(ingestor, kept.id, trainerStream({ steps: 10 }));
    deleteRun(db, gone.id);
    ingestor.close();
    expect(count(db, 'SELECT * FROM steps WHERE run_id = ?', kept.id)).toBe(10);
    expect(count(db, 'SELECT * FROM steps WHERE run_id = ?', gone.id)).toBe(0);
  });
});
