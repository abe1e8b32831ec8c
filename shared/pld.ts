// Progressive layer dropping (Zhang & He 2020), the keep probabilities in one place: the stage planner
// (run averages), the FLOPs accounting (expected active blocks per step) and the mask policy all use them.
//   over time:  theta(t) = (1 - thetaBar) e^(-gamma t) + thetaBar        (t = 0-based optimizer step)
//   over depth: p_i(t)   = 1 - (i / L) (1 - theta(t))                   (i = 1..L, block i-1)
import type { PldPolicy } from './config/schema.js';

type PldParams = Pick<PldPolicy, 'thetaBar' | 'gamma'>;

export function pldTheta(policy: PldParams, step: number): number {
  return (1 - policy.thetaBar) * Math.exp(-policy.gamma * step) + policy.thetaBar;
}

/** Keep probability of block `block` (0-based, so i = block + 1) of `layers` at `step`. */
export function pldKeepProbability(policy: PldParams, block: number, layers: number, step: number): number {
  return 1 - ((block + 1) / layers) * (1 - pldTheta(policy, step));
}

/** Sum_i p_i(t) = L - (1 - theta(t)) (L + 1) / 2: the expected number of kept blocks at `step`. */
export function pldExpectedActive(policy: PldParams, layers: number, step: number): number {
  return layers - ((1 - pldTheta(policy, step)) * (layers + 1)) / 2;
}

/**
 * The mean of pldExpectedActive over steps 0..steps-1, in closed form: theta's mean over the run is
 * thetaBar + (1 - thetaBar) * (1/T) sum_t e^(-gamma t), a geometric series.
 */
export function pldMeanExpectedActive(policy: PldParams, layers: number, steps: number): number {
  const ratio = Math.exp(-policy.gamma);
  // sum_{t<T} r^t / T; the series is exactly 1 per step when gamma = 0 (r = 1).
  const meanDecay = ratio === 1 ? 1 : (1 - Math.pow(ratio, steps)) / (steps * (1 - ratio));
  const meanTheta = policy.thetaBar + (1 - policy.thetaBar) * meanDecay;
  return layers - ((1 - meanTheta) * (layers + 1)) / 2;
}
