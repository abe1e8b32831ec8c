// Random subsets of blocks with a fixed set that always runs: the sampler behind raptr and stochastic depth.
import type { Sampler, Scale, ScaleBy } from '../../../shared/config/schema.js';
import type { Rng } from '../../../shared/rng.js';
import { branchScale, makeMask } from './mask.js';
import type { StepMask } from './types.js';

export interface SubsetStage {
  /** Resolved block indices that always run. */
  fixed: readonly number[];
  /** Inclusion probability of every other (free) block. */
  p: number;
  /** n_s = |I| + p (L - |I|). */
  expectedActive: number;
}

export interface SubsetOptions {
  layers: number;
  sampler: Sampler;
  scale: Scale;
  scaleBy: ScaleBy;
}

/**
 * Bernoulli redraws before giving up on a step with zero active blocks (only possible with an empty fixed
 * set). A model with no blocks would train only the embedding and head, which is not a subnetwork of the
 * method, so such a draw is rejected and redrawn: the mask is then Bernoulli(p) conditioned on at least one
 * active block. The expected count rises by the factor 1 / (1 - (1-p)^L), negligible unless p L is small.
 * After this many rejections (p tiny, or 0) one free block is chosen uniformly instead.
 */
const MAX_REDRAWS = 64;

export function sampleSubsetMask(stage: SubsetStage, options: SubsetOptions, rng: Rng): StepMask {
  const { layers } = options;
  const fixed = new Set(stage.fixed);
  const free = Array.from({ length: layers }, (_, i) => i).filter((i) => !fixed.has(i));
  const active = Array.from({ length: layers }, (_, i) => fixed.has(i));

  // p = 1 (a warm start, the last stage, or nothing free) is ordinary full training: all on, a = 1.
  if (stage.p >= 1 || free.length === 0)
    return makeMask(layers, new Array<boolean>(layers).fill(true), new Array<number>(layers).fill(1));

  const chosen = options.sampler === 'exact-k' ? exactK(stage, free, rng) : bernoulli(stage, free, rng);
  for (const block of chosen) active[block] = true;
  const realized = fixed.size + chosen.length;
  // With no expected count to speak of (p = 0 and no fixed blocks) only the realized count is meaningful.
  const k = options.scaleBy === 'expected' && stage.expectedActive > 0 ? stage.expectedActive : realized;
  const a = branchScale(options.scale, layers, k);
  return makeMask(
    layers,
    active,
    active.map((on) => (on ? a : 1)),
  );
}

/** Each free block independently with probability p; redrawn while nothing at all would run. */
function bernoulli(stage: SubsetStage, free: number[], rng: Rng): number[] {
  const needOne = stage.fixed.length === 0;
  if (stage.p <= 0) return needOne ? rng.sample(free, 1) : [];
  for (let attempt = 0; attempt < MAX_REDRAWS; attempt++) {
    const chosen = free.filter(() => rng.bernoulli(stage.p));
    if (!needOne || chosen.length > 0) return chosen;
  }
  return rng.sample(free, 1);
}

/**
 * Exactly round(n_s) - |I| free blocks, uniformly without replacement (constant cost per step). With an
 * empty fixed set at least one block runs, as for bernoulli.
 */
function exactK(stage: SubsetStage, free: number[], rng: Rng): number[] {
  const wanted = Math.round(stage.expectedActive) - stage.fixed.length;
  const floor = stage.fixed.length === 0 ? 1 : 0;
  const count = Math.min(free.length, Math.max(floor, wanted));
  return rng.sample(free, count).sort((x, y) => x - y);
}
