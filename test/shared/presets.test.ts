import { describe, expect, it } from 'vitest';
import { PRESETS, findPreset } from '../../shared/config/presets.js';
import { parseRunConfig } from '../../shared/config/validate.js';
import { expectedRelativeFlops } from '../../shared/flops.js';
import { planStages } from '../../shared/schedule.js';

const config = (name: string) => {
  const result = parseRunConfig(findPreset(name)!.config);
  if (!result.ok) throw new Error(result.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
  return result.config;
};

describe('presets', () => {
  it('are all valid configs with unique names and a one-line description', () => {
    expect(new Set(PRESETS.map((p) => p.name)).size).toBe(PRESETS.length);
    for (const preset of PRESETS) {
      expect(parseRunConfig(preset.config).ok, preset.name).toBe(true);
      expect(preset.description).not.toContain('\n');
    }
  });

  it('quickstart trains a masked language model through at least 3 stages', () => {
    const quickstart = config('quickstart');
    expect(quickstart.task.kind).toBe('mlm');
    expect(planStages(quickstart).length).toBeGreaterThanOrEqual(3);
  });

  it('polynomial-pld spends the same block FLOPs as polynomial-raptr (within 1%)', () => {
    const raptr = expectedRelativeFlops(config('polynomial-raptr'), { blocksOnly: true });
    const pld = expectedRelativeFlops(config('polynomial-pld'), { blocksOnly: true });
    expect(raptr).toBeCloseTo(4 / 3, 6);
    expect(Math.abs(pld / raptr - 1)).toBeLessThan(0.01);
  });
});
