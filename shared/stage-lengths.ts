// Splitting a number of steps into whole-step stages whose lengths sum exactly to the total.
//
// Remainders (largest-remainder rounding, deterministic):
//   1. every stage gets floor(total * w_s / sum(w)) steps;
//   2. the steps left over go one each to the stages with the largest fractional part, and on a tie to the
//      LATER stage: equal stages then differ by at most one step and the longer ones come last, where the
//      largest subnetworks train (so rounding never overstates the FLOPs saved);
//   3. a stage that rounded to 0 steps takes one from the longest stage (the later one on a tie), so
//      every stage runs at least once; validation already guarantees total >= number of stages.
import type { StageLengthsSchema } from './config/schema.js';
import type { z } from 'zod';

export type StageLengthMode = z.output<typeof StageLengthsSchema>;

/** Relative float differences below this are ties (fractions such as 0.1 + 0.2 are not exact). */
const TIE_TOLERANCE = 1e-9;

/** Whole-step lengths proportional to `weights` that sum exactly to `total` (see the file comment). */
export function apportionSteps(total: number, weights: readonly number[]): number[] {
  if (weights.length === 0) throw new RangeError('at least one stage is needed');
  if (!Number.isInteger(total) || total < weights.length)
    throw new RangeError(`${total} steps cannot be split into ${weights.length} stages`);
  if (weights.some((w) => !(w > 0) || !Number.isFinite(w)))
    throw new RangeError('stage weights must be finite and > 0');

  const weightSum = weights.reduce((sum, w) => sum + w, 0);
  const exact = weights.map((w) => (total * w) / weightSum);
  const lengths = exact.map((x) => Math.floor(x));
  const leftover = total - lengths.reduce((sum, n) => sum + n, 0);

  const byRemainder = exact
    .map((x, index) => ({ index, fraction: x - Math.floor(x) }))
    .sort((a, b) =>
      Math.abs(a.fraction - b.fraction) > TIE_TOLERANCE ? b.fraction - a.fraction : b.index - a.index,
    );
  for (let i = 0; i < leftover; i++) lengths[byRemainder[i]!.index]! += 1;

  for (let s = 0; s < lengths.length; s++) {
    if (lengths[s]! > 0) continue;
    lengths[longestStage(lengths)]! -= 1;
    lengths[s] = 1;
  }
  return lengths;
}

/** The index of the longest stage; the later one on a tie. */
function longestStage(lengths: readonly number[]): number {
  let best = 0;
  lengths.forEach((n, i) => {
    if (n >= lengths[best]!) best = i;
  });
  return best;
}

/**
 * Step counts for `count` stages over `total` steps: 'equal' (BERT) or 'proportional' to the stage index
 * 1:2:...:k (UL2). Sums exactly to `total`; remainders as described at the top of this file.
 */
export function stageLengths(total: number, count: number, mode: StageLengthMode): number[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError('at least one stage is needed');
  const weights = Array.from({ length: count }, (_, s) => (mode === 'equal' ? 1 : s + 1));
  return apportionSteps(total, weights);
}
