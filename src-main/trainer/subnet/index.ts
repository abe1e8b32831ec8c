// Subnetwork policies: which blocks run at each optimizer step, and how their branches are scaled.
// Pure TypeScript (no TensorFlow): the engine applies the masks.
import type { RunConfig } from '../../../shared/config/schema.js';
import type { Rng } from '../../../shared/rng.js';
import { assertNever } from '../../../shared/trainer-protocol.js';
import { createFullPolicy } from './full.js';
import { createPldPolicy } from './pld.js';
import { createRaptrPolicy } from './raptr.js';
import { createStackingPolicy } from './stacking.js';
import { createStochasticDepthPolicy } from './stochastic-depth.js';
import type { StageLookup, SubnetPolicy } from './types.js';

export type { StageLookup, StepMask, SubnetPolicy } from './types.js';
export { maskToString } from './mask.js';

/**
 * The policy of a validated config. `stages` says which stage a step is in (the run's StageSchedule, which
 * starts from planStages(config)); `rng` should be the run's own
 * mask stream (Rng.stream(seed, 'masks'), or Rng.fromState of a checkpoint's rngState() on resume) so that
 * sampling masks never shifts the data or init streams. maskAt must be called once per step, in order.
 */
export function createPolicy(config: RunConfig, stages: StageLookup, rng: Rng): SubnetPolicy {
  const { policy } = config;
  return inStepOrder(select());

  function select(): SubnetPolicy {
    switch (policy.kind) {
      case 'full':
        return createFullPolicy(config, rng);
      case 'raptr':
        return createRaptrPolicy(config, policy, stages, rng);
      case 'pld':
        return createPldPolicy(config, policy, rng);
      case 'stochastic-depth':
        return createStochasticDepthPolicy(config, policy, rng);
      case 'stacking':
        return createStackingPolicy(config, stages, rng);
      default:
        return assertNever(policy, 'policy');
    }
  }
}

/**
 * Refuses a step that is not after the previous one: a repeated call would consume the RNG a second time
 * and silently change every later mask (see SubnetPolicy.maskAt).
 */
function inStepOrder(policy: SubnetPolicy): SubnetPolicy {
  let lastStep = -Infinity;
  return {
    kind: policy.kind,
    maskAt(step) {
      if (!Number.isInteger(step) || step < 0)
        throw new RangeError(`step ${step} must be a whole number >= 0`);
      if (step <= lastStep)
        throw new RangeError(`maskAt(${step}) after maskAt(${lastStep}): call it once per step, in order`);
      lastStep = step;
      return policy.maskAt(step);
    },
    rngState: () => policy.rngState(),
  };
}
