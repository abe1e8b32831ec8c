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

  it('all write periodic checkpoints, so a crash or a full disk costs minutes, not the run', () => {
    for (const preset of PRESETS) {
      const { checkpointEvery, steps, evalEvery } = config(preset.name).training;
      expect(checkpointEvery, preset.name).toBeGreaterThan(0);
      expect(checkpointEvery, preset.name).toBeLessThanOrEqual(steps / 4);
      // At evaluation steps, so every checkpoint knows its eval loss (best-checkpoint export).
      expect(checkpointEvery % evalEvery, preset.name).toBe(0);
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

  it('bert-mini presets share steps, batch, optimizer and shape; PLD and stacking match RaPTr block FLOPs', () => {
    const names = ['bert-mini-full', 'bert-mini-raptr', 'bert-mini-pld', 'bert-mini-stacking'];
    const configs = names.map(config);
    for (const c of configs) {
      expect(c.model).toMatchObject({ layers: 12, dModel: 128, heads: 4, ffDim: 512, seqLen: 64 });
      expect(c.training).toMatchObject({
        steps: configs[0]!.training.steps,
        batchSize: configs[0]!.training.batchSize,
      });
      expect(c.optimizer).toEqual(configs[0]!.optimizer);
    }
    const [full, raptr, pld, stacking] = configs.map((c) => expectedRelativeFlops(c, { blocksOnly: true }));
    expect(full).toBe(1);
    expect(raptr).toBeCloseTo(4 / 3, 6);
    expect(Math.abs(pld! / raptr! - 1)).toBeLessThan(0.01);
    expect(stacking).toBeCloseTo(4 / 3, 3); // 2000 steps do not split exactly in three
  });
});
