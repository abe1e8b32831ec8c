// Gradual stacking (Reddi et al. 2023): the first `depth` blocks of the current stage all run, a = 1; the
// blocks above are not grown yet ('-'). Growing (copying the top block) is the engine's job at stage starts.
import type { RunConfig } from '../../../shared/config/schema.js';
import type { Rng } from '../../../shared/rng.js';
import { stageIndexAt } from '../../../shared/schedule.js';
import type { StagePlan } from '../../../shared/trainer-protocol.js';
import { firstBlocksMask } from './mask.js';
import type { SubnetPolicy } from './types.js';

export function createStackingPolicy(
  config: RunConfig,
  stages: readonly StagePlan[],
  rng: Rng,
): SubnetPolicy {
  const layers = config.model.layers;
  return {
    kind: 'stacking',
    maskAt: (step) => firstBlocksMask(stages[stageIndexAt(stages, step)]!.depth, layers),
    rngState: () => rng.state(),
  };
}
