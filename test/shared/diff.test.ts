import { describe, expect, it } from 'vitest';
import { diffConfigs } from '../../shared/config/diff.js';

describe('config diff', () => {
  it('lists only the leaves that differ, with each config value', () => {
    const a = { policy: { kind: 'full' }, training: { steps: 100, seed: 0 }, model: { layers: 12 } };
    const b = {
      policy: { kind: 'raptr', schedule: { label: '6-8-10-12' } },
      training: { steps: 100, seed: 1 },
      model: { layers: 12 },
    };
    expect(diffConfigs([a, b])).toEqual([
      { path: 'policy.kind', values: ['full', 'raptr'] },
      { path: 'policy.schedule', values: [undefined, { label: '6-8-10-12' }] },
      { path: 'training.seed', values: [0, 1] },
    ]);
  });

  it('walks arrays of objects item by item and compares arrays of numbers whole', () => {
    const a = { stages: [{ p: 0.5 }, { p: 1 }], fixed: [0, -1] };
    const b = { stages: [{ p: 0.5 }, { p: 0.9 }], fixed: [0, -1] };
    expect(diffConfigs([a, b])).toEqual([{ path: 'stages[1].p', values: [1, 0.9] }]);
    expect(diffConfigs([a, a, a])).toEqual([]);
  });
});
