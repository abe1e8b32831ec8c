// The FLOPs actually spent by sampled masks converge to what the schedule promises.
import { describe, expect, it } from 'vitest';
import type { RunConfigInput } from '../../../shared/config/schema.js';
import { expectedActiveAt, trainStepFlops } from '../../../shared/flops.js';
import { allMasks, build } from './helpers.js';

function realizedOverExpected(input: RunConfigInput): number {
  const built = build(input, 11);
  const { config, stages } = built;
  let realized = 0;
  let expected = 0;
  allMasks(built).forEach((mask, t) => {
    realized += trainStepFlops(config, { activeBlocks: mask.activeCount });
    expected += trainStepFlops(config, { activeBlocks: expectedActiveAt(config, stages, t) });
  });
  return realized / expected;
}

// 4000 steps of 12 blocks: the standard error of the block count is about 0.3% (bernoulli), far below 1%.
const base = { training: { steps: 4000, batchSize: 4 } } as const;

describe('realized FLOPs converge to the expected FLOPs', () => {
  it('raptr, bernoulli', () => {
    expect(realizedOverExpected({ ...base, policy: { kind: 'raptr' } })).toBeCloseTo(1, 2);
  });

  it('raptr, exact-k (exactly, at every step)', () => {
    expect(realizedOverExpected({ ...base, policy: { kind: 'raptr', sampler: 'exact-k' } })).toBe(1);
  });

  it('pld, with theta still decaying during the run', () => {
    expect(realizedOverExpected({ ...base, policy: { kind: 'pld', gamma: 0.001 } })).toBeCloseTo(1, 2);
  });

  it('stochastic depth', () => {
    const ratio = realizedOverExpected({ ...base, policy: { kind: 'stochastic-depth', keepProb: 0.6 } });
    expect(ratio).toBeCloseTo(1, 2);
  });

  it('blocks only: the sampled block count matches sum_s T_s n_s within 1%', () => {
    const built = build({ ...base, policy: { kind: 'raptr' } }, 5);
    const blocks = allMasks(built).reduce((sum, m) => sum + m.activeCount, 0);
    const expected = built.stages.reduce((sum, s) => sum + (s.endStep - s.startStep) * s.expectedActive, 0);
    expect(Math.abs(blocks / expected - 1)).toBeLessThan(0.01);
  });
});
