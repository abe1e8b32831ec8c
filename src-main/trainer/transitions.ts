// The train loss just before and just after each stage change: the paper claims it does not spike (it
// often drops), so every run records it. A record is complete once `window` steps of the new stage ran.
import type { TransitionRecord } from '../../shared/trainer-protocol.js';

interface Pending {
  step: number;
  fromStage: number;
  toStage: number;
  before: number[];
  after: number[];
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export interface TransitionTrackerState {
  recent: number[];
  stage: number | null;
  pending: Pending[];
}

export class TransitionTracker {
  private recent: number[] = [];
  private stage: number | null = null;
  private pending: Pending[] = [];

  constructor(private readonly window: number) {}

  /** Everything needed to continue after a resume exactly as if the run had not stopped. */
  state(): TransitionTrackerState {
    return structuredClone({ recent: this.recent, stage: this.stage, pending: this.pending });
  }

  restore(state: TransitionTrackerState): void {
    ({ recent: this.recent, stage: this.stage, pending: this.pending } = structuredClone(state));
  }

  /** Feed every step in order; returns the records completed by this step. */
  onStep(step: number, stage: number, loss: number): TransitionRecord[] {
    if (this.stage !== null && stage !== this.stage && this.recent.length > 0)
      this.pending.push({ step, fromStage: this.stage, toStage: stage, before: [...this.recent], after: [] });
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
    }));
  }
}
