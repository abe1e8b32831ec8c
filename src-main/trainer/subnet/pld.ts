// Progressive layer dropping (Zhang & He 2020): block i (1-based) is kept with p_i(t) = 1 - (i/L)(1 - theta(t)),
// independently, and a kept block's branch is scaled by 1 / p_i (inverted dropout). Deeper blocks are dropped
// more often, and more of them as training goes on: the opposite of RaPTr.
import type { PldPolicy, RunConfig } from '../../../shared/config/schema.js';
import { pldKeepProbability } from '../../../shared/pld.js';
import type { Rng } from '../../../shared/rng.js';
import { makeMask } from './mask.js';
import type { StepMask, SubnetPolicy } from './types.js';

/** Redraws of an all-dropped step before keeping only block 0 (see random-subset.ts for why). */
const MAX_REDRAWS = 64;

/** One PLD mask at `step`, drawn from `rng`: the policy's (the run's mask stream) or the stability monitor's. */
export function samplePldMask(policy: PldPolicy, layers: number, step: number, rng: Rng): StepMask {
  const keep = Array.from({ length: layers }, (_, i) => pldKeepProbability(policy, i, layers, step));
  let active: boolean[] = [];
  for (let attempt = 0; attempt < MAX_REDRAWS; attempt++) {
    active = keep.map((p) => rng.bernoulli(p));
    if (active.some(Boolean)) break;
  }
  // Block 0 has the highest keep probability, so it is the natural one to keep.
  if (!active.some(Boolean)) active[0] = true;
  return pldMask(policy, active, step);
}

/** The mask of a given active set at `step`: a kept block's branch scaled by 1 / p_i(t). */
export function pldMask(policy: PldPolicy, active: boolean[], step: number): StepMask {
  const layers = active.length;
  return makeMask(
    layers,
    active,
    active.map((on, i) => (on ? 1 / pldKeepProbability(policy, i, layers, step) : 1)),
  );
}

export function createPldPolicy(config: RunConfig, policy: PldPolicy, rng: Rng): SubnetPolicy {
  const layers = config.model.layers;
  return {
    kind: 'pld',
    maskAt: (step) => samplePldMask(policy, layers, step, rng),
    rngState: () => rng.state(),
  };
}
