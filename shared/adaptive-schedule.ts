// The stage plan a run follows. For most runs it is planStages(config) from start to end. With RaPTr's
// adaptive lengths (experimental) the trainer asks it after every evaluation whether the current stage
// should end there, or run on past its planned end; the plan then records the stages as they happened, and
// the stages after the current one share the steps that are left (the run's step budget is kept).
//
// The rule (settings in shared/config/adaptive.ts, defaults resolved there), for a stage that is neither a
// warm start nor the last stage:
//   settled  = forecast gap / the stage's expected loss < epsilon, and the primary eval loss improved by less
//              than the fraction delta between the evaluation `window` evaluations ago (in this stage) and now
//   ends     at an evaluation before its planned end when settled and it ran at least minSteps;
//   runs on  at its planned end when not settled (or shorter than minSteps), by evalEvery steps at a time,
//            up to its deadline: maxSteps, or earlier when the later stages would get less than minSteps each.
import { z } from 'zod';
import { resolveAdaptiveLengths, type ResolvedAdaptiveLengths } from './config/adaptive.js';
import type { RunConfig } from './config/schema.js';
import { planStages, stageIndexAt, withStageEnd } from './schedule.js';
import type { StageForecast } from './stability.js';
import { StagePlanSchema, type StagePlan } from './trainer-protocol.js';

/** What a checkpoint keeps, so a resumed run follows the same stages and decides the same way. */
export const StageScheduleStateSchema = z.strictObject({
  stages: z.array(StagePlanSchema).min(1),
  /** The primary eval losses of the current stage so far, oldest first. */
  stageEvals: z.strictObject({ stage: z.number().int(), losses: z.array(z.number()) }),
});
export type StageScheduleState = z.output<typeof StageScheduleStateSchema>;

/** What an evaluation did to the plan: nothing, the stage ends at this step, or it runs on past its planned end. */
export type ScheduleChange = 'none' | 'ended' | 'extended';

export class StageSchedule {
  private plan: StagePlan[];
  private stageEvals: StageScheduleState['stageEvals'] = { stage: -1, losses: [] };
  private readonly rule: ResolvedAdaptiveLengths | null;
  private readonly warmStart: boolean;

  /** `saved`: a checkpoint's state() (unvalidated input); without it the run starts from planStages(config). */
  constructor(
    private readonly config: RunConfig,
    saved?: unknown,
  ) {
    this.plan = planStages(config);
    const { policy } = config;
    const adaptive = policy.kind === 'raptr' && policy.schedule.lengths === 'adaptive';
    this.warmStart = policy.kind === 'raptr' && policy.schedule.initialFullSteps > 0;
    this.rule = adaptive
      ? resolveAdaptiveLengths(policy, config.training.steps, this.plan.length - (this.warmStart ? 1 : 0))
      : null;
    if (saved !== undefined && saved !== null) {
      const state = StageScheduleStateSchema.parse(saved);
      this.plan = state.stages;
      this.stageEvals = state.stageEvals;
    } else if (this.rule) this.plan = this.withinDeadline(this.plan, this.warmStart ? 1 : 0);
  }

  get stages(): readonly StagePlan[] {
    return this.plan;
  }

  get adaptive(): boolean {
    return this.rule !== null;
  }

  stageAt(step: number): StagePlan {
    return this.plan[stageIndexAt(this.plan, step)]!;
  }

  state(): StageScheduleState {
    return structuredClone({ stages: this.plan, stageEvals: this.stageEvals });
  }

  /**
   * After the evaluation that followed `completed` steps: its primary eval loss and the stability monitor's
   * forecast for the current stage. Adaptive runs may end the stage here or move its end; others never change.
   */
  afterEval(completed: number, evalLoss: number | null, forecast: StageForecast | null): ScheduleChange {
    const rule = this.rule;
    const index = stageIndexAt(this.plan, completed - 1);
    const stage = this.plan[index]!;
    if (!rule || !this.isAdaptiveStage(index)) return 'none';
    if (this.stageEvals.stage !== index) this.stageEvals = { stage: index, losses: [] };
    if (evalLoss !== null && Number.isFinite(evalLoss)) this.stageEvals.losses.push(evalLoss);

    const ran = completed - stage.startStep;
    const longEnough = ran >= rule.minSteps;
    const settled = longEnough && this.settled(rule, forecast);
    if (completed < stage.endStep) {
      if (!settled) return 'none';
      this.plan = this.withinDeadline(withStageEnd(this.plan, index, completed), index + 1);
      return 'ended';
    }
    const deadline = this.deadline(this.plan, index);
    if (settled || completed >= deadline) {
      // It ends where it was planned to; the next stage starts within its own limits.
      this.plan = this.withinDeadline(this.plan, index + 1);
      return 'none';
    }
    const evalEvery = this.config.training.evalEvery;
    this.plan = withStageEnd(this.plan, index, Math.min(completed + evalEvery, deadline));
    return 'extended';
  }

  private isAdaptiveStage(index: number): boolean {
    return index < this.plan.length - 1 && !(this.warmStart && index === 0);
  }

  private settled(rule: ResolvedAdaptiveLengths, forecast: StageForecast | null): boolean {
    if (!forecast) return false;
    const gapRatio = forecast.gap / Math.max(Math.abs(forecast.stageLoss), Number.MIN_VALUE);
    if (!(gapRatio < rule.epsilon)) return false;
    const losses = this.stageEvals.losses;
    if (losses.length <= rule.window) return false;
    const then = losses[losses.length - 1 - rule.window]!;
    const now = losses[losses.length - 1]!;
    return (then - now) / Math.abs(then) < rule.delta;
  }

  /** The last step (exclusive) stage `index` may run to: maxSteps, leaving minSteps for each later stage. */
  private deadline(plan: readonly StagePlan[], index: number): number {
    const rule = this.rule!;
    const runEnd = plan[plan.length - 1]!.endStep;
    const later = plan.length - 1 - index;
    return Math.min(plan[index]!.startStep + rule.maxSteps, runEnd - later * rule.minSteps);
  }

  /** A stage about to start is planned no longer than its deadline (with a maxSteps below its share). */
  private withinDeadline(plan: StagePlan[], index: number): StagePlan[] {
    const stage = plan[index];
    if (!stage || !this.isAdaptiveStage(index)) return plan;
    const deadline = this.deadline(plan, index);
    return stage.endStep > deadline ? withStageEnd(plan, index, deadline) : plan;
  }
}
