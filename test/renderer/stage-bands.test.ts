import { describe, expect, it } from 'vitest';
import { checkConfig } from '../../shared/config/check.js';
import { bandsFromPlan, MIN_LABEL_WIDTH, stageBandRects } from '../../src-renderer/lib/charts/stage-bands.js';

function quickstartStages() {
  const check = checkConfig({
    model: { layers: 6 },
    policy: { kind: 'raptr', schedule: { label: '3-4-5-6' } },
    training: { steps: 400 },
  });
  if (!check.valid) throw new Error('config should be valid');
  return check.stages;
}

describe('stage bands', () => {
  it('labels each planned stage with its name, p_s and expected active blocks', () => {
    const bands = bandsFromPlan(quickstartStages(), 150);
    expect(bands.map((b) => [b.start, b.end])).toEqual([
      [0, 100],
      [100, 200],
      [200, 300],
      [300, 400],
    ]);
    expect(bands.map((b) => b.title)).toEqual(['stage 1', 'stage 2', 'stage 3', 'stage 4']);
    expect(bands[1]!.subtitle).toBe('p=0.50 · 4 blocks');
    expect(bands.map((b) => b.reached)).toEqual([true, true, false, false]);
  });

  it('maps stages to pixels, clipped to the plot area, alternating shades', () => {
    const bands = bandsFromPlan(quickstartStages(), 400);
    // x in [0, 400] steps -> pixels [50, 850]: 2 px per step.
    const rects = stageBandRects(bands, (x) => 50 + 2 * x, { left: 50, right: 850 });
    expect(rects.map((r) => [r.left, r.right])).toEqual([
      [50, 250],
      [250, 450],
      [450, 650],
      [650, 850],
    ]);
    expect(rects.map((r) => r.shade)).toEqual([0, 1, 0, 1]);
    expect(rects.every((r) => r.labelled)).toBe(true);
  });

  it('drops bands outside a zoomed view, clips the edges, and unlabels slivers', () => {
    const bands = bandsFromPlan(quickstartStages(), 400);
    // Zoomed to steps [190, 290] over 800 px: 8 px per step.
    const rects = stageBandRects(bands, (x) => (x - 190) * 8, { left: 0, right: 800 });
    expect(rects.map((r) => r.index)).toEqual([1, 2]);
    expect(rects[0]).toMatchObject({ left: 0, right: 80, labelled: 80 >= MIN_LABEL_WIDTH });
    expect(rects[1]).toMatchObject({ left: 80, right: 800 });
    const narrow = stageBandRects(bands, (x) => x / 10, { left: 0, right: 40 });
    expect(narrow.every((r) => !r.labelled)).toBe(true);
  });
});
