// The stability monitor's series names, apart from its settings: the run page and the compare view read
// them, and the settings' schema would load zod (and the whole config schema) with those pages.

export const STABILITY_PREFIX = 'stability/';
const DROP_PREFIX = `${STABILITY_PREFIX}drop_block_`;

export const STABILITY_KEYS = {
  /** The full model's loss (every block, a = 1) on the monitor's held-out batches. */
  fullLoss: `${STABILITY_PREFIX}full_loss`,
  /** The expected loss under the current stage's mask distribution (sampled masks, the policy's scaling). */
  stageLoss: `${STABILITY_PREFIX}stage_loss`,
  /** The same under the next stage's distribution (RaPTr: stage k+1; PLD: the keep probabilities at the next evaluation). */
  nextStageLoss: `${STABILITY_PREFIX}next_stage_loss`,
  /** next_stage_loss - stage_loss: the forecast of the jump at the next stage change. */
  nextStageGap: `${STABILITY_PREFIX}next_stage_gap`,
} as const;

/** stability/drop_block_{i}: loss with block i (0-based) bypassed minus the full model's loss. */
export function dropBlockKey(block: number): string {
  return `${DROP_PREFIX}${block}`;
}

/** The block of a drop_block key, or null for any other key. */
export function blockOfDropKey(key: string): number | null {
  if (!key.startsWith(DROP_PREFIX)) return null;
  const block = Number(key.slice(DROP_PREFIX.length));
  return Number.isInteger(block) && block >= 0 ? block : null;
}
