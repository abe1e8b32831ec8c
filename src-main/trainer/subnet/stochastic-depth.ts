// Stochastic depth with one constant keep probability (the ablation reviewers asked for): RaPTr's sampler
// and scaling with a single stage, p = keepProb, and the policy's own fixed set.
import type { RunConfig, StochasticDepthPolicy } from '../../../shared/config/schema.js';
import { resolveLayers } from '../../../shared/config/validate.js';
import type { Rng } from '../../../shared/rng.js';
import { sampleSubsetMask, type SubsetStage } from './random-subset.js';
import type { SubnetPolicy } from './types.js';

export function createStochasticDepthPolicy(
  config: RunConfig,
  policy: StochasticDepthPolicy,
  rng: Rng,
): SubnetPolicy {
  const layers = config.model.layers;
  const fixed = resolveLayers(policy.fixed, layers);
  const stage: SubsetStage = {
    fixed,
    p: policy.keepProb,
    expectedActive: fixed.length + policy.keepProb * (layers - fixed.length),
  };
  const options = { layers, sampler: policy.sampler, scale: policy.scale, scaleBy: policy.scaleBy };
  return {
    kind: 'stochastic-depth',
    maskAt: () => sampleSubsetMask(stage, options, rng),
    rngState: () => rng.state(),
  };
}
