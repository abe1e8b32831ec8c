// The learning rate at each optimizer step.
// One global schedule over the whole run: linear warmup over optimizer.warmupSteps, then decay to
// lr * minLrRatio at the last step. It is NOT reset at stage boundaries (RAPTR.md, "Schedule"; unverified,
// the paper is silent). Gradual stacking is the exception: it warms up again at the start of every stage
// (Reddi et al. 2023), and that per-stage ramp multiplies the same global decay.
import type { OptimizerConfig, RunConfig } from './config/schema.js';
import { stageIndexAt } from './schedule.js';
import type { StagePlan } from './trainer-protocol.js';

/**
 * Ramp factor for a warmup of `warmupSteps` that starts at `startStep`. It uses (k + 1) / warmup so that
 * the very first step already moves the weights (a 0 learning rate would waste the step).
 */
function warmupFactor(step: number, startStep: number, warmupSteps: number): number {
  const k = step - startStep;
  return warmupSteps > 0 && k < warmupSteps ? (k + 1) / warmupSteps : 1;
}

/**
 * Decay factor: 1 until the warmup ends, then down to minLrRatio at the last step (totalSteps - 1).
 * When no step follows the warmup, nothing decays.
 */
function decayFactor(optimizer: OptimizerConfig, totalSteps: number, step: number): number {
  if (optimizer.decay === 'none') return 1;
  const start = optimizer.warmupSteps;
  const span = totalSteps - 1 - start;
  if (step < start || span < 0) return 1;
  const progress = span === 0 ? 1 : Math.min(1, (step - start) / span);
  const floor = optimizer.minLrRatio;
  const shape = optimizer.decay === 'linear' ? 1 - progress : 0.5 * (1 + Math.cos(Math.PI * progress));
  return floor + (1 - floor) * shape;
}

/**
 * The learning rate for 0-based optimizer `step`. `stages` (from planStages) only matters for stacking,
 * whose stage starts re-warm for policy.stageWarmupSteps (default optimizer.warmupSteps); with the default,
 * its first stage follows exactly the global schedule.
 */
export function learningRateAt(config: RunConfig, stages: readonly StagePlan[], step: number): number {
  const { optimizer, policy } = config;
  const decay = decayFactor(optimizer, config.training.steps, step);
  if (policy.kind !== 'stacking') return optimizer.lr * warmupFactor(step, 0, optimizer.warmupSteps) * decay;
  const stageStart = stages[stageIndexAt(stages, step)]!.startStep;
  const stageWarmup = policy.stageWarmupSteps ?? optimizer.warmupSteps;
  return optimizer.lr * warmupFactor(step, stageStart, stageWarmup) * decay;
}
