import { describe, expect, it } from 'vitest';
import { pldKeepProbability } from '../../../shared/pld.js';
import { Rng } from '../../../shared/rng.js';
import { stageIndexAt } from '../../../shared/schedule.js';
import { createPolicy, maskToString } from '../../../src-main/trainer/subnet/index.js';
import { allMasks, build } from './helpers.js';

const raptr = (extra: object = {}) =>
  ({
    training: { steps: 400 },
    policy: { kind: 'raptr', schedule: { label: '6-8-10-12' }, ...extra },
  }) as const;

describe('raptr masks', () => {
  it('always runs the fixed blocks and keeps inactive scales at 1', () => {
    for (const mask of allMasks(build(raptr()))) {
      expect(mask.active[0] && mask.active[11]).toBe(true);
      mask.active.forEach((on, i) => on || expect(mask.scales[i]).toBe(1));
      expect(mask.activeCount).toBe(mask.active.filter(Boolean).length);
    }
  });

  it('exact-k runs exactly n_s blocks at every step', () => {
    const built = build(raptr({ sampler: 'exact-k' }));
    allMasks(built).forEach((mask, t) => {
      expect(mask.activeCount).toBe(built.stages[stageIndexAt(built.stages, t)]!.expectedActive);
    });
  });

  it('scales active branches by h(L / k): sqrt and linear of the realized k, or of the expected n_s', () => {
    for (const mask of allMasks(build(raptr({ scale: 'sqrt' }))).slice(0, 100))
      expect(mask.scale).toBeCloseTo(Math.sqrt(12 / mask.activeCount), 12);
    for (const mask of allMasks(build(raptr({ scale: 'linear' }))).slice(100, 200)) {
      mask.active.forEach((on, i) => on && expect(mask.scales[i]).toBeCloseTo(12 / mask.activeCount, 12));
    }
    for (const mask of allMasks(build(raptr({ scale: 'sqrt', scaleBy: 'expected' }))).slice(0, 100))
      expect(mask.scale).toBeCloseTo(Math.sqrt(12 / 6), 12);
    for (const mask of allMasks(build(raptr({ scale: 'none' })))) expect(mask.scale).toBe(1);
  });

  it('is ordinary full training with a = 1 in a p = 1 stage and in the warm start', () => {
    const built = build({
      training: { steps: 500 },
      policy: {
        kind: 'raptr',
        scale: 'linear',
        scaleBy: 'expected',
        schedule: { label: '6-8-10-12', initialFullSteps: 100 },
      },
    });
    const masks = allMasks(built);
    for (const t of [0, 99, 400, 499]) {
      expect(maskToString(masks[t]!)).toBe('111111111111');
      expect(masks[t]!.scales).toEqual(new Array<number>(12).fill(1));
    }
  });

  it('redraws rather than run zero blocks when nothing is fixed', () => {
    const built = build({
      model: { layers: 2 },
      training: { steps: 300 },
      policy: { kind: 'raptr', schedule: { label: '0.2-2', fixed: [] } },
    });
    for (const mask of allMasks(built)) expect(mask.activeCount).toBeGreaterThan(0);
  });

  it('gives the same masks for the same seed, other masks for another seed', () => {
    const strings = (seed: number) => allMasks(build(raptr(), seed)).map(maskToString);
    expect(strings(7)).toEqual(strings(7));
    expect(strings(7)).not.toEqual(strings(8));
  });

  it('resumes from rngState with the same masks', () => {
    const whole = build(raptr(), 3);
    const masks = allMasks(whole).map(maskToString);
    const first = build(raptr(), 3);
    for (let t = 0; t < 150; t++) first.policy.maskAt(t);
    const resumed = createPolicy(first.config, first.schedule, Rng.fromState(first.policy.rngState()));
    for (let t = 150; t < 400; t++) expect(maskToString(resumed.maskAt(t))).toBe(masks[t]);
  });

  it('refuses a repeated or backward step, which would desynchronize the RNG', () => {
    const { policy } = build(raptr());
    policy.maskAt(0);
    expect(() => policy.maskAt(0)).toThrow(/once per step/);
  });
});

describe('other policies', () => {
  it('full: every block, a = 1', () => {
    for (const mask of allMasks(build({ training: { steps: 20 }, policy: { kind: 'full' } })))
      expect(mask).toEqual({
        depth: 12,
        active: new Array<boolean>(12).fill(true),
        scales: new Array<number>(12).fill(1),
        activeCount: 12,
        scale: 1,
      });
  });

  it("stacking: the current depth's blocks on, the rest not grown ('-')", () => {
    const masks = allMasks(
      build({ training: { steps: 300 }, policy: { kind: 'stacking', label: '6-9-12' } }),
    );
    expect(maskToString(masks[0]!)).toBe('111111------');
    expect(maskToString(masks[150]!)).toBe('111111111---');
    expect(masks[150]).toMatchObject({ depth: 9, activeCount: 9, scale: 1 });
    expect(maskToString(masks[299]!)).toBe('111111111111');
  });

  it('pld: kept blocks are scaled by 1 / p_i(t)', () => {
    const policy = { kind: 'pld', thetaBar: 0.5, gamma: 0.01 } as const;
    const masks = allMasks(build({ training: { steps: 300 }, policy }));
    masks.forEach((mask, t) =>
      mask.active.forEach((on, i) => {
        const expected = on ? 1 / pldKeepProbability(policy, i, 12, t) : 1;
        expect(mask.scales[i]).toBeCloseTo(expected, 12);
      }),
    );
    expect(masks.some((m) => m.activeCount < 12)).toBe(true);
  });

  it('stochastic depth: its own fixed set always on, a = sqrt(L / k)', () => {
    const built = build({
      training: { steps: 300 },
      policy: { kind: 'stochastic-depth', keepProb: 0.5, fixed: [0, 1], sampler: 'exact-k' },
    });
    for (const mask of allMasks(built)) {
      expect(mask.active[0] && mask.active[1]).toBe(true);
      expect(mask.activeCount).toBe(7);
      expect(mask.scale).toBeCloseTo(Math.sqrt(12 / 7), 12);
    }
  });

  it("prints '1' active, '0' bypassed, block 0 first", () => {
    const mask = allMasks(
      build({ training: { steps: 1 }, policy: { kind: 'stochastic-depth', keepProb: 0 } }),
    )[0]!;
    expect(maskToString(mask)).toBe('100000000001');
  });
});
