// RaPTr (RAPTR.md): at each step the fixed blocks of the current stage run, every other block runs with the
// stage's p (bernoulli) or exactly round(n_s) - |I| of them do (exact-k); active branches are scaled by
// a = h(L / k). A warm-start or last stage with p = 1 is ordinary full training with a = 1.
import type { RaptrPolicy, RunConfig } from '../../../shared/config/schema.js';
import type { Rng } from '../../../shared/rng.js';
import { sampleSubsetMask } from './random-subset.js';
import type { StageLookup, SubnetPolicy } from './types.js';

export function createRaptrPolicy(
  config: RunConfig,
  policy: RaptrPolicy,
  stages: StageLookup,
  rng: Rng,
): SubnetPolicy {
  const options = {
    layers: config.model.layers,
    sampler: policy.sampler,
    scale: policy.scale,
    scaleBy: policy.scaleBy,
  };
  return {
    kind: 'raptr',
    // The stage plan already holds each stage's resolved fixed set, p and n_s.
    maskAt: (step) => sampleSubsetMask(stages.stageAt(step), options, rng),
    rngState: () => rng.state(),
  };
}
