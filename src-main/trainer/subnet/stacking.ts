// Gradual stacking (Reddi et al. 2023): the first `depth` blocks of the current stage all run, a = 1; the
// blocks above are not grown yet ('-'). Growing (copying the top block) is the engine's job at stage starts.
import type { RunConfig } from '../../../shared/config/schema.js';
import type { Rng } from '../../../shared/rng.js';
import { firstBlocksMask } from './mask.js';
import type { StageLookup, SubnetPolicy } from './types.js';

export function createStackingPolicy(config: RunConfig, stages: StageLookup, rng: Rng): SubnetPolicy {
  const layers = config.model.layers;
  return {
    kind: 'stacking',
    maskAt: (step) => firstBlocksMask(stages.stageAt(step).depth, layers),
    rngState: () => rng.state(),
  };
}
