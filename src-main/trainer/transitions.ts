// The train loss just before and just after each stage change: the paper claims it does not spike (it
// often drops), so every run records it. A record is complete once `window` steps of the new stage ran.
// Beside it goes what the stability monitor forecast at the old stage's last evaluation, when it made one.
import type { StageForecast, TransitionRecord } from '../../shared/trainer-protocol.js';

interface Pending {
  step: number;
  fromStage: number;
  toStage: number;
  before: number[];
  after: number[];
  forecast: StageForecast | null;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export interface TransitionTrackerState {
  recent: number[];
  stage: number | null;
  pending: Pending[];
  /** The latest forecast and the stage it was made in (absent in checkpoints from before forecasts). */
  forecast?: { stage: number; forecast: StageForecast } | null;
}

export class TransitionTracker {
  private recent: number[] = [];
  private stage: number | null = null;
  private pending: Pending[] = [];
  private forecast: TransitionTrackerState['forecast'] = null;

  constructor(private readonly window: number) {}

  /** Everything needed to continue after a resume exactly as if the run had not stopped. */
  state(): TransitionTrackerState {
    const { recent, stage, pending, forecast } = this;
    return structuredClone({ recent, stage, pending, forecast });
  }

  restore(state: TransitionTrackerState): void {
    const copy = structuredClone(state);
    ({ recent: this.recent, stage: this.stage } = copy);
    this.pending = copy.pending.map((p) => ({ ...p, forecast: p.forecast ?? null }));
    this.forecast = copy.forecast ?? null;
  }

  /** The stability monitor's forecast at an evaluation during `stage`; the last one of a stage is kept. */
  noteForecast(stage: number, forecast: StageForecast): void {
    this.forecast = { stage, forecast };
  }

  /** Feed every step in order; returns the records completed by this step. */
  onStep(step: number, stage: number, loss: number): TransitionRecord[] {
    if (this.stage !== null && stage !== this.stage && this.recent.length > 0) {
      const fromStage = this.stage;
      const forecast = this.forecast?.stage === fromStage ? this.forecast.forecast : null;
      this.pending.push({ step, fromStage, toStage: stage, before: [...this.recent], after: [], forecast });
    }
    this.stage = stage;
    this.recent.push(loss);
    if (this.recent.length > this.window) this.recent.shift();
    for (const p of this.pending) if (p.after.length < this.window) p.after.push(loss);
    return this.take((p) => p.after.length >= this.window);
  }

  /** Records still waiting for their after-window when the run ends (their window is shorter). */
  flush(): TransitionRecord[] {
    return this.take((p) => p.after.length > 0);
  }

  private take(ready: (p: Pending) => boolean): TransitionRecord[] {
    const done = this.pending.filter(ready);
    this.pending = this.pending.filter((p) => !ready(p));
    return done.map((p) => ({
      type: 'transition',
      step: p.step,
      fromStage: p.fromStage,
      toStage: p.toStage,
      window: Math.min(p.before.length, p.after.length),
      lossBefore: mean(p.before),
      lossAfter: mean(p.after),
      lastBefore: p.before.at(-1)!,
      firstAfter: p.after[0]!,
      forecast: p.forecast,
    }));
  }
}
