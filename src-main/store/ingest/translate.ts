// From trainer messages to rows: what each message type becomes (step rows, series points, events,
// checkpoints), and the replay after a resume.
import { assertNever, backendChangeText } from '../../../shared/trainer-protocol.js';
import { unknownRun } from '../errors.js';
import type { EventKind } from '../events.js';
import { runExists } from '../run-rows.js';
import { setRunEnvironment } from '../runs.js';
import { truncateSeries } from '../rollups.js';
import type { Db } from '../sqlite.js';
import type { PendingBatch } from './batch.js';
import type { EvalIngest, IngestMessage, StepIngest } from './messages.js';
import { truncateRunFrom } from './rewind.js';
import { loadRunState, storedSeriesLastStep, storedXAt, type RunState, type XSnapshot } from './run-state.js';
import type { SeriesIds } from './series-ids.js';
import { STEP_SERIES } from './step-keys.js';

/** Where translated rows go: the ingestor's current batch, and a way to write it out first. */
export interface BatchSink {
  pending(): PendingBatch;
  flush(): number;
}

export class MessageTranslator {
  private readonly states = new Map<string, RunState>();

  constructor(
    private readonly db: Db,
    private readonly seriesIds: SeriesIds,
    private readonly sink: BatchSink,
    private readonly now: () => number,
  ) {}

  private get pending(): PendingBatch {
    return this.sink.pending();
  }

  private flush(): void {
    this.sink.flush();
  }

  forgetRun(runId: string): void {
    this.states.delete(runId);
  }

  /** Queues the message's rows; true when they should be written at once. */
  apply(runId: string, msg: IngestMessage): boolean {
    const state = this.stateOf(runId);
    const time = this.now();
    const event = (kind: EventKind, step: number | null, payload: unknown) =>
      this.pending.addEvent({ runId, step, kind, payload: JSON.stringify(payload), time });
    switch (msg.type) {
      case 'ready':
      case 'probe': // answers system:info; nothing to record
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
      case 'backend':
        // The run's CPU threads changed (runs share the cores): the run shows what it trains on now.
        setRunEnvironment(this.db, runId, { backend: msg.backend.name, device: msg.backend.device });
        event('log', msg.step, { level: 'info', message: backendChangeText(msg) });
        return true;
      case 'stage':
        // The plan (when the trainer sent one) is the schedule as it stands: adaptive runs move stage ends.
        event('stage', msg.step, msg.plan ? { ...msg.stage, plan: msg.plan } : msg.stage);
        return false;
      case 'eval':
        this.applyEval(runId, state, msg);
        event('eval', msg.step, { stage: msg.stage, reason: msg.reason, results: msg.results });
        return false;
      case 'checkpoint': {
        const measured = state.lastEvalLoss?.step === msg.step ? state.lastEvalLoss.value : null;
        const { type: _type, evalLoss: reported, ...checkpoint } = msg;
        const evalLoss = reported ?? measured;
        this.pending.addCheckpoint({ runId, ...checkpoint, evalLoss, time });
        event('checkpoint', msg.step, checkpoint);
        return true;
      }
      case 'transition': {
        // The trainer measures the loss around a stage boundary (window means); stored as it comes.
        const { type: _type, ...record } = msg;
        event('transition', msg.step, { source: 'trainer', ...record });
        return false;
      }
      case 'system': {
        // Device telemetry: metric series only (system/...), no timeline event every few seconds.
        const x = this.xAt(runId, state, msg.step);
        for (const { name, value } of msg.metrics) this.addPoint(runId, state, name, value, x);
        return false;
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
    this.pending.addPoint(runId, key, x.step, stored, x);
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

  /** Throws for an unknown run, so a message for it is refused before anything is queued. */
  stateOf(runId: string): RunState {
    let state = this.states.get(runId);
    if (!state) {
      if (!runExists(this.db, runId)) throw unknownRun(runId);
      state = loadRunState(this.db, runId);
      this.states.set(runId, state);
    }
    return state;
  }
}
