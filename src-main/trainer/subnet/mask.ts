// Building, scaling and printing step masks; shared by every policy.
import type { Scale } from '../../../shared/config/schema.js';
import type { StepMask } from './types.js';

/** A mask from per-block flags and factors; activeCount and the summary scale are derived here. */
export function makeMask(depth: number, active: boolean[], scales: number[]): StepMask {
  let activeCount = 0;
  let scaleSum = 0;
  active.forEach((on, i) => {
    if (!on) return;
    activeCount += 1;
    scaleSum += scales[i]!;
  });
  return { depth, active, scales, activeCount, scale: activeCount > 0 ? scaleSum / activeCount : 1 };
}

/** Every one of the first `depth` of `layers` blocks on, a = 1 (full training, stacking). */
export function firstBlocksMask(depth: number, layers: number): StepMask {
  const active = Array.from({ length: layers }, (_, i) => i < depth);
  return makeMask(depth, active, new Array<number>(layers).fill(1));
}

/**
 * The residual-branch factor a = h(L / k) when k of L blocks run (RAPTR.md, "Forward pass with scaling"):
 * none a = 1, linear a = L/k (inverted-dropout style), sqrt a = sqrt(L/k) (variance matching).
 */
export function branchScale(scale: Scale, layers: number, k: number): number {
  switch (scale) {
    case 'none':
      return 1;
    case 'linear':
      return layers / k;
    case 'sqrt':
      return Math.sqrt(layers / k);
  }
}

/** One character per block, block 0 first: '1' active, '0' bypassed, '-' not grown yet (stacking). */
export function maskToString(mask: StepMask): string {
  return mask.active.map((on, i) => (i >= mask.depth ? '-' : on ? '1' : '0')).join('');
}
