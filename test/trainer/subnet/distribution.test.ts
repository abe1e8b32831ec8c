// The stability monitor's masks: drawn as the policy draws them, from the monitor's own streams, the two
// stages of a forecast coupled mask by mask, and one block dropped with the policy's scaling.
import { describe, expect, it } from 'vitest';
import { pldKeepProbability } from '../../../shared/pld.js';
import { Rng } from '../../../shared/rng.js';
import { forecastPair, pldHorizon, withoutBlock } from '../../../src-main/trainer/subnet/distribution.js';
import { maskToString } from '../../../src-main/trainer/subnet/index.js';
import { build } from './helpers.js';

const raptr = (extra: Record<string, unknown> = {}) => ({
  model: { layers: 12 },
  training: { steps: 400, evalEvery: 50 },
  policy: { kind: 'raptr' as const, schedule: { label: '6-8-10-12' }, ...extra },
});

describe('forecast masks', () => {
  it("draws stage k's and stage k+1's masks with their p, fixed set and scaling", () => {
    const { config, stages } = build(raptr());
    const pair = forecastPair(config, stages, 120)!; // stage 2 of 4 (steps 100-199)
    expect([pair.current.describe, pair.next.describe]).toEqual([stages[1]!.label, stages[2]!.label]);
    const masks = Array.from({ length: 400 }, (_, m) => pair.next.sample(Rng.stream(1, `m${m}`)));
    const meanActive = masks.reduce((sum, mask) => sum + mask.activeCount, 0) / masks.length;
    expect(meanActive).toBeCloseTo(10, 0);
    for (const mask of masks) {
      expect(mask.active[0] && mask.active[11]).toBe(true);
      expect(mask.scale).toBeCloseTo(Math.sqrt(12 / mask.activeCount), 12);
    }
  });

  it('couples the two stages: mask m of stage k is inside mask m of stage k+1 (bernoulli and exact-k)', () => {
    for (const sampler of ['bernoulli', 'exact-k']) {
      const { config, stages } = build(raptr({ sampler }));
      const pair = forecastPair(config, stages, 10)!;
      for (let m = 0; m < 50; m++) {
        const now = pair.current.sample(Rng.stream(4, `m${m}`));
        const next = pair.next.sample(Rng.stream(4, `m${m}`));
        now.active.forEach((on, i) => on && expect(next.active[i]).toBe(true));
        expect(next.activeCount).toBeGreaterThanOrEqual(now.activeCount);
      }
    }
  });

  it('is the same masks for the same stream, and leaves the policy stream alone', () => {
    const built = build(raptr(), 5);
    const pair = forecastPair(built.config, built.stages, 0)!;
    const draw = () => maskToString(pair.current.sample(Rng.stream(9, 'm0')));
    expect(draw()).toBe(draw());
    const before = built.policy.rngState();
    draw();
    expect(built.policy.rngState()).toEqual(before);
  });

  it('forecasts nothing in the last stage, nor for policies without a next stage', () => {
    const { config, stages } = build(raptr());
    expect(forecastPair(config, stages, 399)).toBeNull();
    for (const policy of [
      { kind: 'full' },
      { kind: 'stochastic-depth' },
      { kind: 'stacking', label: '6-9-12' },
    ] as const) {
      const other = build({ ...raptr(), policy });
      expect(forecastPair(other.config, other.stages, 10)).toBeNull();
    }
  });

  it("PLD: the keep probabilities now against those of the next evaluation's step", () => {
    expect(pldHorizon(0, 400, 50)).toBe(49);
    expect(pldHorizon(49, 400, 50)).toBe(99);
    expect(pldHorizon(380, 400, 50)).toBe(399);
    expect(pldHorizon(120, 400, 0)).toBe(399);
    expect(pldHorizon(399, 400, 50)).toBeNull();
    const { config, stages } = build({ ...raptr(), policy: { kind: 'pld', thetaBar: 0.5, gamma: 0.01 } });
    const pair = forecastPair(config, stages, 49)!;
    expect([pair.current.describe, pair.next.describe]).toEqual(['PLD at step 49', 'PLD at step 99']);
    const mask = pair.next.sample(Rng.stream(0, 'm'));
    if (config.policy.kind !== 'pld') throw new Error('pld expected');
    const pld = config.policy;
    mask.active.forEach((on, i) => {
      if (on) expect(mask.scales[i]).toBeCloseTo(1 / pldKeepProbability(pld, i, 12, 99), 12);
    });
  });
});

describe('one block dropped', () => {
  it('scales the other blocks as the policy would with L - 1 active', () => {
    const sqrt = build(raptr());
    const mask = withoutBlock(sqrt.config, sqrt.stages, 0, 3);
    expect(maskToString(mask)).toBe('111011111111');
    expect(mask.scales.filter((_, i) => i !== 3)).toEqual(new Array(11).fill(Math.sqrt(12 / 11)));
    const none = build(raptr({ scale: 'none' }));
    expect(withoutBlock(none.config, none.stages, 0, 3).scale).toBe(1);
    const full = build({ ...raptr(), policy: { kind: 'full' } });
    expect(withoutBlock(full.config, full.stages, 0, 0).scales).toEqual(new Array(12).fill(1));
  });

  it('PLD: 1 / p_i(t) for every kept block at the step', () => {
    const { config, stages } = build({ ...raptr(), policy: { kind: 'pld', thetaBar: 0.5, gamma: 0.01 } });
    if (config.policy.kind !== 'pld') throw new Error('pld expected');
    const pld = config.policy;
    const mask = withoutBlock(config, stages, 200, 11);
    expect(mask.activeCount).toBe(11);
    for (let i = 0; i < 11; i++)
      expect(mask.scales[i]).toBeCloseTo(1 / pldKeepProbability(pld, i, 12, 200), 12);
  });

  it('stacking: only the blocks grown so far exist', () => {
    const { config, stages } = build({ ...raptr(), policy: { kind: 'stacking', label: '6-9-12' } });
    expect(maskToString(withoutBlock(config, stages, 10, 2))).toBe('110111------');
    expect(() => withoutBlock(config, stages, 10, 6)).toThrow(/not one of the 6 blocks/);
  });
});
