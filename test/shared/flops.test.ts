import { describe, expect, it } from 'vitest';
import type { RunConfigInput } from '../../shared/config/schema.js';
import { mustParseRunConfig } from '../../shared/config/validate.js';
import {
  expectedActiveAt,
  expectedRelativeFlops,
  forwardFlopsPerExample,
  fullStepFlops,
  trainStepFlops,
} from '../../shared/flops.js';
import { pldExpectedActive } from '../../shared/pld.js';
import { planStages } from '../../shared/schedule.js';

const parse = (input: RunConfigInput) => mustParseRunConfig({ optimizer: { warmupSteps: 0 }, ...input });

const bertMini = {
  model: { layers: 12, dModel: 128, ffDim: 512, seqLen: 64, vocabSize: 8000 },
  task: { kind: 'mlm', maskProb: 0.15 },
  training: { steps: 400, batchSize: 8 },
} as const;

describe('relative FLOPs (the paper checks)', () => {
  it('6-8-10-12 in equal stages with I = {first, last}, L = 12: p = 0.4..1.0 and 12/9 = 1.333x', () => {
    const config = parse({ ...bertMini, policy: { kind: 'raptr', schedule: { label: '6-8-10-12' } } });
    expect(planStages(config).map((s) => s.p)).toEqual([0.4, 0.6, 0.8, 1]);
    expect(expectedRelativeFlops(config, { blocksOnly: true })).toBeCloseTo(12 / 9, 12);
    // Embedding and head cost the same for both, so the whole-model ratio is smaller.
    const whole = expectedRelativeFlops(config);
    expect(whole).toBeGreaterThan(1);
    expect(whole).toBeLessThan(12 / 9);
  });

  it('12-16-20-24 in proportional stages, L = 24: 1.2x', () => {
    const config = parse({
      model: { layers: 24 },
      training: { steps: 1000 },
      policy: { kind: 'raptr', schedule: { label: '12-16-20-24', lengths: 'proportional' } },
    });
    expect(expectedRelativeFlops(config, { blocksOnly: true })).toBeCloseTo(1.2, 12);
  });

  it('full training is 1.0x, stacking 6-9-12 is 12/9', () => {
    expect(expectedRelativeFlops(parse({ ...bertMini, policy: { kind: 'full' } }))).toBe(1);
    const stacking = parse({ ...bertMini, training: { steps: 300 }, policy: { kind: 'stacking' } });
    expect(expectedRelativeFlops(stacking, { blocksOnly: true })).toBeCloseTo(12 / 9, 12);
  });
});

describe('forwardFlopsPerExample', () => {
  it('matches a hand count for BERT-mini (d=128, ff=512, S=64, L=12, V=8000)', () => {
    // Per token per block: 8 d^2 = 131072, 4 d ff = 262144, 4 S d = 32768 -> 425984; x 64 tokens.
    // Head per predicted token: 2 d^2 + 2 d V = 32768 + 2048000 = 2080768; x 0.15 * 64 = 9.6 tokens.
    expect(forwardFlopsPerExample(parse(bertMini))).toEqual({
      embedding: 0,
      block: 27262976,
      head: 2080768 * 9.6,
    });
  });

  it('counts the polynomial residual MLP', () => {
    const config = parse({ task: { kind: 'polynomial', inputDim: 20 }, model: { dModel: 128, ffDim: 256 } });
    expect(forwardFlopsPerExample(config)).toEqual({
      embedding: 2 * 20 * 128,
      block: 4 * 128 * 256,
      head: 256,
    });
  });
});

describe('trainStepFlops', () => {
  it('is 3 x batch x (embedding + head + active x block), with the realized head count when given', () => {
    const config = parse(bertMini);
    const { head, block } = forwardFlopsPerExample(config);
    expect(trainStepFlops(config, { activeBlocks: 6 })).toBeCloseTo(3 * 8 * (head + 6 * block), 0);
    expect(trainStepFlops(config, { activeBlocks: 6, predictedTokens: 70 })).toBe(
      3 * (8 * 6 * block + 70 * 2080768),
    );
    expect(fullStepFlops(config)).toBe(trainStepFlops(config, { activeBlocks: 12 }));
  });
});

describe('expectedActiveAt', () => {
  it('is n_s for raptr, the depth for stacking, and sum_i p_i(t) for pld', () => {
    const raptr = parse(bertMini);
    const stages = planStages(raptr);
    expect([0, 150, 399].map((t) => expectedActiveAt(raptr, stages, t))).toEqual([6, 8, 12]);
    const stacking = parse({ ...bertMini, training: { steps: 300 }, policy: { kind: 'stacking' } });
    expect(expectedActiveAt(stacking, planStages(stacking), 150)).toBe(9);
    const pld = parse({ ...bertMini, policy: { kind: 'pld', thetaBar: 0.5, gamma: 0.01 } });
    // theta(0) = 1: nothing dropped yet; later theta -> 0.5 and the sum -> L - 0.5 (L + 1) / 2.
    expect(expectedActiveAt(pld, planStages(pld), 0)).toBe(12);
    const t = 300;
    const theta = 0.5 * Math.exp(-0.01 * t) + 0.5;
    let sum = 0;
    for (let i = 1; i <= 12; i++) sum += 1 - (i / 12) * (1 - theta);
    expect(expectedActiveAt(pld, planStages(pld), t)).toBeCloseTo(sum, 12);
    expect(pldExpectedActive({ thetaBar: 0.5, gamma: 0.01 }, 12, t)).toBeCloseTo(sum, 12);
  });

  it('is |I| + keepProb (L - |I|) for stochastic depth', () => {
    const config = parse({ ...bertMini, policy: { kind: 'stochastic-depth', keepProb: 0.5, fixed: [0] } });
    expect(expectedActiveAt(config, planStages(config), 10)).toBe(1 + 0.5 * 11);
  });
});
