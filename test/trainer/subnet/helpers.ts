// Builds a policy from a config input, as the engine will: the run's stage schedule, then its mask stream.
import type { RunConfig, RunConfigInput } from '../../../shared/config/schema.js';
import { mustParseRunConfig } from '../../../shared/config/validate.js';
import { Rng } from '../../../shared/rng.js';
import { StageSchedule } from '../../../shared/adaptive-schedule.js';
import type { StagePlan } from '../../../shared/trainer-protocol.js';
import { createPolicy, type StepMask, type SubnetPolicy } from '../../../src-main/trainer/subnet/index.js';

export interface Built {
  config: RunConfig;
  stages: StagePlan[];
  schedule: StageSchedule;
  policy: SubnetPolicy;
}

export function build(input: RunConfigInput, seed = 0): Built {
  const config = mustParseRunConfig({
    optimizer: { warmupSteps: 0 },
    ...input,
    training: { seed, ...input.training },
  });
  const schedule = new StageSchedule(config);
  return {
    config,
    stages: [...schedule.stages],
    schedule,
    policy: createPolicy(config, schedule, Rng.stream(seed, 'masks')),
  };
}

/** One mask per step, in order, over the whole run. */
export function allMasks({ config, policy }: Built): StepMask[] {
  return Array.from({ length: config.training.steps }, (_, t) => policy.maskAt(t));
}
