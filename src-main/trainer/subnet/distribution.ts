// What a policy's masks look like at a point of training, for the stability monitor (eval/stability.ts):
// masks drawn as the policy draws them (its sampler, its scaling) from a generator the caller owns, never
// the run's mask stream, and the full model with one block bypassed, scaled as the policy would scale it.
import type { RunConfig } from '../../../shared/config/schema.js';
import type { Rng } from '../../../shared/rng.js';
import { stageIndexAt } from '../../../shared/schedule.js';
import type { StagePlan } from '../../../shared/trainer-protocol.js';
import { branchScale, makeMask } from './mask.js';
import { pldMask, samplePldMask } from './pld.js';
import { sampleSubsetMask, type SubsetOptions } from './random-subset.js';
import type { StepMask } from './types.js';

export interface MaskDistribution {
  /** "stage 2 of 4 · p=0.60", "PLD at step 300": what is sampled, for logs and tests. */
  describe: string;
  sample(rng: Rng): StepMask;
}

/** The distribution now, and the one training moves to next (RaPTr and PLD). */
export interface ForecastPair {
  current: MaskDistribution;
  next: MaskDistribution;
}

function subsetOptions(config: RunConfig): SubsetOptions | null {
  const { policy } = config;
  if (policy.kind !== 'raptr' && policy.kind !== 'stochastic-depth') return null;
  const { sampler, scale, scaleBy } = policy;
  return { layers: config.model.layers, sampler, scale, scaleBy };
}

/**
 * The step whose keep probabilities PLD's forecast samples: that of the next periodic evaluation, or the
 * last step when no periodic evaluation is left; null at the last step (nothing follows it).
 */
export function pldHorizon(step: number, steps: number, evalEvery: number): number | null {
  if (step >= steps - 1) return null;
  const next = evalEvery > 0 ? (Math.floor((step + 1) / evalEvery) + 1) * evalEvery - 1 : steps - 1;
  return Math.min(next, steps - 1);
}

/**
 * The masks of the stage containing `step` and of the stage after it, for RaPTr (stage k and k+1, each with
 * its p, fixed set and the policy's sampler and scaling) and PLD (the keep probabilities now and at the next
 * evaluation, see pldHorizon). Null for every other policy, and in RaPTr's last stage.
 */
export function forecastPair(
  config: RunConfig,
  stages: readonly StagePlan[],
  step: number,
): ForecastPair | null {
  const { policy } = config;
  const layers = config.model.layers;
  if (policy.kind === 'pld') {
    const horizon = pldHorizon(step, config.training.steps, config.training.evalEvery);
    if (horizon === null) return null;
    const at = (t: number): MaskDistribution => ({
      describe: `PLD at step ${t}`,
      sample: (rng) => samplePldMask(policy, layers, t, rng),
    });
    return { current: at(step), next: at(horizon) };
  }
  const options = subsetOptions(config);
  if (policy.kind !== 'raptr' || !options) return null;
  const index = stageIndexAt(stages, step);
  const [stage, next] = [stages[index]!, stages[index + 1]];
  if (!next) return null;
  const of = (s: StagePlan): MaskDistribution => ({
    describe: s.label,
    sample: (rng) => sampleSubsetMask(s, options, rng),
  });
  return { current: of(stage), next: of(next) };
}

/**
 * Every block of the model's current depth except `block`, each branch scaled as the policy would scale it
 * with that one block missing: RaPTr and stochastic depth a = h(L / (L - 1)) with their scale function, PLD
 * 1 / p_i(t) for every kept block at `step`, full training and stacking a = 1.
 */
export function withoutBlock(
  config: RunConfig,
  stages: readonly StagePlan[],
  step: number,
  block: number,
): StepMask {
  const layers = config.model.layers;
  const depth = stages[stageIndexAt(stages, step)]!.depth;
  if (!(Number.isInteger(block) && block >= 0 && block < depth))
    throw new RangeError(`block ${block} is not one of the ${depth} blocks`);
  const active = Array.from({ length: layers }, (_, i) => i < depth && i !== block);
  const { policy } = config;
  if (policy.kind === 'pld') return pldMask(policy, active, step);
  const options = subsetOptions(config);
  const a = options ? branchScale(options.scale, layers, layers - 1) : 1;
  return makeMask(
    depth,
    active,
    active.map((on) => (on ? a : 1)),
  );
}
