// Full training, the baseline: every block at every step, a = 1. Consumes no randomness.
import type { RunConfig } from '../../../shared/config/schema.js';
import type { Rng } from '../../../shared/rng.js';
import { firstBlocksMask } from './mask.js';
import type { SubnetPolicy } from './types.js';

export function createFullPolicy(config: RunConfig, rng: Rng): SubnetPolicy {
  const layers = config.model.layers;
  return {
    kind: 'full',
    maskAt: () => firstBlocksMask(layers, layers),
    rngState: () => rng.state(),
  };
}
