import { describe, expect, it } from 'vitest';
import type { RunConfigInput } from '../../shared/config/schema.js';
import { mustParseRunConfig } from '../../shared/config/validate.js';
import { learningRateAt } from '../../shared/lr-schedule.js';
import { planStages } from '../../shared/schedule.js';

function lrs(input: RunConfigInput): number[] {
  const config = mustParseRunConfig(input);
  const stages = planStages(config);
  return Array.from({ length: config.training.steps }, (_, t) => learningRateAt(config, stages, t));
}

describe('learningRateAt', () => {
  it('warms up linearly from lr/warmup (never 0) and decays linearly to lr * minLrRatio at the last step', () => {
    const lr = lrs({
      training: { steps: 110 },
      optimizer: { lr: 1, warmupSteps: 10, decay: 'linear', minLrRatio: 0.1 },
    });
    expect(lr[0]).toBeCloseTo(0.1);
    expect(lr[4]).toBeCloseTo(0.5);
    expect(lr[9]).toBeCloseTo(1);
    expect(lr[10]).toBeCloseTo(1);
    expect(lr[59]).toBeCloseTo(0.55, 2);
    expect(lr[109]).toBeCloseTo(0.1);
  });

  it('follows a cosine to the floor, or stays flat with decay none', () => {
    const cosine = lrs({ training: { steps: 101 }, optimizer: { lr: 1, warmupSteps: 0, decay: 'cosine' } });
    expect(cosine[0]).toBeCloseTo(1);
    expect(cosine[50]).toBeCloseTo(0.5);
    expect(cosine[100]).toBeCloseTo(0);
    const flat = lrs({ training: { steps: 50 }, optimizer: { lr: 0.5, warmupSteps: 5, decay: 'none' } });
    expect(flat.slice(4)).toEqual(new Array<number>(46).fill(0.5));
  });

  it('is one global schedule for raptr: no reset at stage boundaries', () => {
    const lr = lrs({ training: { steps: 400 }, optimizer: { lr: 1, warmupSteps: 20 } });
    for (let t = 20; t < 400; t++) expect(lr[t]!).toBeLessThanOrEqual(lr[t - 1]! + 1e-12);
    const full = lrs({
      training: { steps: 400 },
      optimizer: { lr: 1, warmupSteps: 20 },
      policy: { kind: 'full' },
    });
    expect(lr).toEqual(full);
  });

  it('re-warms stacking at every stage start, on top of the global decay', () => {
    const base = { training: { steps: 300 }, optimizer: { lr: 1, warmupSteps: 10 } } as const;
    const stacking = lrs({ ...base, policy: { kind: 'stacking', label: '6-9-12' } });
    const global = lrs(base);
    // With the default stageWarmupSteps the first stage is the global schedule.
    expect(stacking.slice(0, 100)).toEqual(global.slice(0, 100));
    for (const start of [100, 200]) {
      expect(stacking[start]).toBeCloseTo(global[start]! / 10);
      expect(stacking[start + 4]).toBeCloseTo((global[start + 4]! * 5) / 10);
      expect(stacking[start + 10]).toBeCloseTo(global[start + 10]!);
    }
    const custom = lrs({ ...base, policy: { kind: 'stacking', label: '6-9-12', stageWarmupSteps: 4 } });
    expect(custom[0]).toBeCloseTo(0.25);
    expect(custom[101]).toBeCloseTo(global[101]! / 2);
  });
});
