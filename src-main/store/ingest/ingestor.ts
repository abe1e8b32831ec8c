// The one writer of training data. Trainer messages go in one at a time (validated); rows come out in
// batched transactions, flushed when a batch reaches `maxRows`, `maxDelayMs` after its first row, at once
// for messages that must not wait (checkpoints, errors, the end of a run), on flush() and on close().
import { assertNever } from '../../../shared/trainer-protocol.js';
import { parseInput, unknownRun } from '../errors.js';
import type { EventKind } from '../events.js';
import { runExists } from '../run-rows.js';
import { RunIdSchema } from '../run-schemas.js';
import { setRunEnvironment } from '../runs.js';
import { truncateSeries } from '../rollups.js';
import type { Db } from '../sqlite.js';
import { PendingBatch, writeBatch } from './batch.js';
import { parseIngestMessage, type EvalIngest, type IngestMessage, type StepIngest } from './messages.js';
import { truncateRunFrom } from './rewind.js';
import { loadRunState, storedSeriesLastStep, storedXAt, type RunState, type XSnapshot } from './run-state.js';
import { SeriesIds } from './series-ids.js';
import { STEP_SERIES } from './step-keys.js';

export interface IngestorOptions {
  /** Flush when this many rows are pending. */
  maxRows?: number;
  /** Flush at most this long after the first pending row. */
  maxDelayMs?: number;
  /** Called after each successful flush: the place to push live updates to windows. */
  onFlush?: (info: { rows: number; runIds: string[]; ms: number }) => void;
  /** A timed flush has no caller to throw to; its error goes here (the rows stay pending for the next try). */
  onError?: (error: unknown) => void;
  now?: () => number;
}

export class MetricIngestor {
  readonly stats = { rows: 0, points: 0, flushes: 0 };
  private pending = new PendingBatch();
  private readonly states = new Map<string, RunState>();
  private readonly seriesIds: SeriesIds;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly maxRows: number;
  private readonly maxDelayMs: number;
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    private readonly options: IngestorOptions = {},
  ) {
    this.seriesIds = new SeriesIds(db);
    this.maxRows = options.maxRows ?? 5000;
    this.maxDelayMs = options.maxDelayMs ?? 200;
    this.now = options.now ?? Date.now;
  }

  /** Validates one trainer message for a run and queues its rows. Throws, queueing nothing, on bad input. */
  ingest(runId: string, message: unknown): void {
    if (this.closed) throw new Error('the ingestor is closed');
    const id = parseInput(RunIdSchema, runId, 'runId');
    const msg = parseIngestMessage(message);
    const urgent = this.apply(id, this.stateOf(id), msg);
    if (urgent || this.pending.rows >= this.maxRows) this.flush();
    else if (this.pending.rows > 0 && this.timer === null) {
      this.timer = setTimeout(() => this.timedFlush(), this.maxDelayMs);
      this.timer.unref();
    }
  }

  /** Writes everything pending in one transaction; returns the number of rows written. */
  flush(): number {
    this.clearTimer();
    const batch = this.pending;
    if (batch.rows === 0) return 0;
    this.pending = new PendingBatch();
    const started = performance.now();
    try {
      const { goneRuns } = writeBatch(this.db, batch, this.seriesIds);
      this.seriesIds.commit();
      for (const runId of goneRuns) this.forgetRun(runId);
    } catch (error) {
      this.seriesIds.rollback();
      this.pending = batch;
      throw error;
    }
    this.stats.rows += batch.rows;
    this.stats.flushes++;
    for (const series of batch.series.values()) this.stats.points += series.points.length;
    this.options.onFlush?.({
      rows: batch.rows,
      runIds: [...batch.runIds()],
      ms: performance.now() - started,
    });
    return batch.rows;
  }

  /** Drops what the ingestor remembers about a run (call after deleting it). */
  forgetRun(runId: string): void {
    this.states.delete(runId);
    this.seriesIds.forgetRun(runId);
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
  }

  /** Queues the message's rows; true when they should be written at once. */
  private apply(runId: string, state: RunState, msg: IngestMessage): boolean {
    const time = this.now();
    const event = (kind: EventKind, step: number | null, payload: unknown) =>
      this.pending.addEvent({ runId, step, kind, payload: JSON.stringify(payload), time });
    switch (msg.type) {
      case 'ready':
        return false;
      case 'start': {
        setRunEnvironment(this.db, runId, { backend: msg.backend.name, device: msg.backend.device });
        const resumed = msg.resumedFromStep;
        if (resumed !== null && state.lastStep !== null && state.lastStep > resumed)
          this.rewind(runId, resumed + 1);
        const { type: _type, config: _config, ...details } = msg;
        event('status', resumed, { trainer: 'start', ...details });
        return true;
      }
      case 'step':
        this.applyStep(runId, msg);
        return false;
      case 'stage':
        event('stage', msg.step, msg.stage);
        return false;
      case 'eval':
        this.applyEval(runId, state, msg);
        event('eval', msg.step, { stage: msg.stage, reason: msg.reason, results: msg.results });
        return false;
      case 'checkpoint': {
        const evalLoss = state.lastEvalLoss?.step === msg.step ? state.lastEvalLoss.value : null;
        const { type: _type, ...checkpoint } = msg;
        this.pending.addCheckpoint({ runId, ...checkpoint, evalLoss, time });
        event('checkpoint', msg.step, checkpoint);
        return true;
      }
      case 'log':
        event('log', null, { level: msg.level, message: msg.message });
        return false;
      case 'error':
        event('error', state.lastStep, { message: msg.message, stack: msg.stack });
        return true;
      case 'done': {
        const { type: _type, ...details } = msg;
        event('status', msg.step, { trainer: 'done', ...details });
        return true;
      }
      default:
        return assertNever(msg, 'trainer message');
    }
  }

  private applyStep(runId: string, msg: StepIngest): void {
    let state = this.stateOf(runId);
    if (state.lastStep !== null && msg.step <= state.lastStep) state = this.rewind(runId, msg.step);
    if (state.lastStage !== null && msg.stage !== state.lastStage) {
      const transition = {
        fromStage: state.lastStage,
        toStage: msg.stage,
        lossBefore: state.lastLoss,
        lossAfter: msg.loss,
        activeBefore: state.lastActive,
        activeAfter: msg.active,
      };
      this.pending.addEvent({
        runId,
        step: msg.step,
        kind: 'transition',
        payload: JSON.stringify(transition),
        time: this.now(),
      });
    }
    const x: XSnapshot = { step: msg.step, wallMs: msg.wallMs, flops: msg.cumFlops, tokens: msg.tokens };
    this.pending.addStep([
      runId,
      msg.step,
      msg.stage,
      msg.active,
      msg.mask,
      x.wallMs,
      x.flops,
      msg.cumFullFlops,
      x.tokens,
    ]);
    for (const [key, valueOf] of STEP_SERIES) this.addPoint(runId, state, key, valueOf(msg), x);
    state.lastStep = msg.step;
    state.lastStage = msg.stage;
    state.lastActive = msg.active;
    state.lastLoss = msg.loss;
    state.lastX = x;
  }

  private applyEval(runId: string, state: RunState, msg: EvalIngest): void {
    const x = this.xAt(runId, state, msg.step);
    for (const { name, value } of msg.results) {
      this.addPoint(runId, state, name, value, x);
      if (name === 'eval/loss' && value !== null && Number.isFinite(value)) {
        state.lastEvalLoss = { step: msg.step, value };
        this.pending.evalLosses.push([runId, msg.step, value]);
      }
    }
  }

  private addPoint(runId: string, state: RunState, key: string, value: number | null, x: XSnapshot): void {
    let last = state.seriesLastStep.get(key);
    if (last === undefined) last = storedSeriesLastStep(this.db, runId, key);
    if (last !== null && x.step <= last) {
      // A repeated eval at a step already recorded replaces it (and everything after it in that series).
      this.flush();
      const seriesId = this.seriesIds.find(runId, key);
      if (seriesId !== undefined)
        this.db.transaction(() => truncateSeries(this.db, seriesId, x.step)).immediate();
    }
    const stored = value === null || Number.isNaN(value) ? null : value;
    this.pending.addPoint(runId, key, {
      step: x.step,
      value: stored,
      wallMs: x.wallMs,
      flops: x.flops,
      tokens: x.tokens,
    });
    state.seriesLastStep.set(key, x.step);
  }

  /** Eval points take the x values of their step (or of the nearest step row before it). */
  private xAt(runId: string, state: RunState, step: number): XSnapshot {
    if (state.lastX !== null && state.lastX.step <= step) return { ...state.lastX, step };
    this.flush();
    const stored = storedXAt(this.db, runId, step);
    return { step, wallMs: stored?.wallMs ?? 0, flops: stored?.flops ?? 0, tokens: stored?.tokens ?? 0 };
  }

  private rewind(runId: string, fromStep: number): RunState {
    this.flush();
    truncateRunFrom(this.db, runId, fromStep);
    const state = loadRunState(this.db, runId);
    this.states.set(runId, state);
    return state;
  }

  private stateOf(runId: string): RunState {
    let state = this.states.get(runId);
    if (!state) {
      if (!runExists(this.db, runId)) throw unknownRun(runId);
      state = loadRunState(this.db, runId);
      this.states.set(runId, state);
    }
    return state;
  }

  private timedFlush(): void {
    this.timer = null;
    try {
      this.flush();
    } catch (error) {
      (this.options.onError ?? ((e: unknown) => console.error('store: a timed flush failed', e)))(error);
    }
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
