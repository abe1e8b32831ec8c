// Validation plus what a user wants to see before a run starts: the stages (p_s, expected active blocks,
// fixed layers) and the predicted FLOPs saving. Pure, so the new-run form can run it on every keystroke.
import type { ConfigCheck } from '../api-types.js';
import { expectedRelativeFlops } from '../flops.js';
import { planStages } from '../schedule.js';
import { parseRunConfig } from './validate.js';

export function checkConfig(input: unknown): ConfigCheck {
  const result = parseRunConfig(input);
  if (!result.ok) return { valid: false, issues: result.issues };
  const { config } = result;
  return {
    valid: true,
    config,
    stages: planStages(config),
    expectedRelativeFlops: expectedRelativeFlops(config, { blocksOnly: false }),
    expectedRelativeFlopsBlocksOnly: expectedRelativeFlops(config, { blocksOnly: true }),
  };
}
