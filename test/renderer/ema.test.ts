import { describe, expect, it } from 'vitest';
import { debiasedEma } from '../../src-renderer/lib/charts/ema.js';

describe('debiasedEma (TensorBoard smoothing)', () => {
  it('follows last = w*last + (1-w)*v, divided by 1 - w^n', () => {
    const w = 0.6;
    const values = [4, 2, 3, 1];
    let last = 0;
    const expected = values.map((v, i) => {
      last = w * last + (1 - w) * v;
      return last / (1 - w ** (i + 1));
    });
    expect(debiasedEma(values, w)).toEqual(expected);
    // Debiasing makes the first smoothed value the first value itself, not (1-w) of it.
    expect(debiasedEma(values, w)[0]).toBeCloseTo(4, 12);
    // Hand-computed second point: (0.6*1.6 + 0.4*2) / (1 - 0.36) = 1.76 / 0.64 = 2.75.
    expect(debiasedEma(values, w)[1]).toBeCloseTo(2.75, 12);
  });

  it('leaves the series unchanged at weight 0 and a constant series at any weight', () => {
    expect(debiasedEma([3, 1, 2], 0)).toEqual([3, 1, 2]);
    expect(debiasedEma([2.5, 2.5, 2.5], 0.9)).toEqual([2.5, 2.5, 2.5]);
  });

  it('passes non-finite values through without letting them poison the average', () => {
    const out = debiasedEma([1, Number.NaN, 1, Number.POSITIVE_INFINITY, 3], 0.5);
    expect(out[1]).toBeNaN();
    expect(out[3]).toBe(Number.POSITIVE_INFINITY);
    expect(out[2]).toBeCloseTo(1, 12); // two finite 1s so far
    // Third finite value: last = 0.5*0.75 + 0.5*3 = 1.875 over 1 - 0.125 = 0.875.
    expect(out[4]).toBeCloseTo(1.875 / 0.875, 12);
  });

  it('smooths more at a higher weight', () => {
    const noisy = Array.from({ length: 200 }, (_, i) => 2 + (i % 2 === 0 ? 0.5 : -0.5));
    const spread = (xs: number[]) => Math.max(...xs.slice(50)) - Math.min(...xs.slice(50));
    expect(spread(debiasedEma(noisy, 0.9))).toBeLessThan(spread(debiasedEma(noisy, 0.5)));
    expect(spread(debiasedEma(noisy, 0.5))).toBeLessThan(spread(noisy));
  });
});
