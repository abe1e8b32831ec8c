import { describe, expect, it } from 'vitest';
import type { RunConfigInput } from '../../shared/config/schema.js';
import { mustParseRunConfig } from '../../shared/config/validate.js';
import { pldExpectedActive } from '../../shared/pld.js';
import {
  apportionSteps,
  planStages,
  probabilityFromSize,
  stageIndexAt,
  stageLengths,
} from '../../shared/schedule.js';

// Warmup is irrelevant to stages; 0 lets the tests use short runs (validation wants warmup <= steps).
const plan = (input: RunConfigInput) =>
  planStages(mustParseRunConfig({ optimizer: { warmupSteps: 0 }, ...input }));

describe('probabilityFromSize', () => {
  it('turns the BERT label 6-8-10-12 with I = {first, last} into p = 0.4, 0.6, 0.8, 1.0', () => {
    expect([6, 8, 10, 12].map((n) => probabilityFromSize(n, 2, 12))).toEqual([0.4, 0.6, 0.8, 1]);
  });

  it('is 1 when every block is fixed, and refuses sizes outside [|I|, L]', () => {
    expect(probabilityFromSize(12, 12, 12)).toBe(1);
    expect(() => probabilityFromSize(1, 2, 12)).toThrow(RangeError);
    expect(() => probabilityFromSize(13, 2, 12)).toThrow(RangeError);
  });
});

describe('stageLengths', () => {
  it('splits equally, giving leftover steps to the later stages', () => {
    expect(stageLengths(400, 4, 'equal')).toEqual([100, 100, 100, 100]);
    expect(stageLengths(10, 4, 'equal')).toEqual([2, 2, 3, 3]);
  });

  it('splits proportionally 1:2:...:k, leftovers by largest remainder', () => {
    expect(stageLengths(1000, 4, 'proportional')).toEqual([100, 200, 300, 400]);
    // 7/6 * (1, 2, 3) = 1.17, 2.33, 3.5: the one leftover step goes to the largest remainder (stage 3).
    expect(stageLengths(7, 3, 'proportional')).toEqual([1, 2, 4]);
    // 0.4, 0.8, 1.2, 1.6 round to 0, 1, 1, 2; the empty first stage takes a step from the longest.
    expect(stageLengths(4, 4, 'proportional')).toEqual([1, 1, 1, 1]);
  });

  it('always sums to the total with every stage at least one step', () => {
    for (let total = 1; total <= 120; total++)
      for (let count = 1; count <= Math.min(6, total); count++)
        for (const mode of ['equal', 'proportional'] as const) {
          const lengths = stageLengths(total, count, mode);
          expect(lengths.reduce((a, b) => a + b, 0)).toBe(total);
          expect(Math.min(...lengths)).toBeGreaterThanOrEqual(1);
          if (mode === 'equal') expect(Math.max(...lengths) - Math.min(...lengths)).toBeLessThanOrEqual(1);
        }
  });

  it('apportions fractions and refuses impossible splits', () => {
    expect(apportionSteps(100, [0.1, 0.2, 0.3, 0.4])).toEqual([10, 20, 30, 40]);
    expect(apportionSteps(10, [1 / 3, 1 / 3, 1 / 3])).toEqual([3, 3, 4]);
    expect(() => stageLengths(3, 4, 'equal')).toThrow(RangeError);
  });
});

describe('planStages', () => {
  it('plans the default raptr schedule 6-8-10-12 in equal stages', () => {
    const stages = plan({ training: { steps: 400 } });
    expect(stages).toEqual(
      [0.4, 0.6, 0.8, 1].map((p, s) => ({
        index: s,
        label: `stage ${s + 1} of 4 · p=${p.toFixed(2)}`,
        startStep: s * 100,
        endStep: (s + 1) * 100,
        p,
        expectedActive: 6 + 2 * s,
        fixed: [0, 11],
        depth: 12,
      })),
    );
  });

  it('puts the full warm start first and splits the remaining steps', () => {
    const stages = plan({
      training: { steps: 1100 },
      model: { layers: 24 },
      policy: {
        kind: 'raptr',
        schedule: { label: '12-16-20-24', lengths: 'proportional', initialFullSteps: 100 },
      },
    });
    expect(stages.map((s) => [s.label, s.startStep, s.endStep, s.expectedActive])).toEqual([
      ['warm start (full)', 0, 100, 24],
      ['stage 1 of 4 · p=0.45', 100, 200, 12],
      ['stage 2 of 4 · p=0.64', 200, 400, 16],
      ['stage 3 of 4 · p=0.82', 400, 700, 20],
      ['stage 4 of 4 · p=1.00', 700, 1100, 24],
    ]);
    expect(stages[0]!.p).toBe(1);
  });

  it('reads explicit stages: fractions, steps, p or size, and per-stage fixed sets', () => {
    const byFraction = plan({
      training: { steps: 100 },
      policy: {
        kind: 'raptr',
        schedule: {
          fixed: [0, -1],
          stages: [
            { fraction: 0.25, p: 0.5 },
            { fraction: 0.75, size: 9, fixed: [-1, -2, 0] },
          ],
        },
      },
    });
    expect(byFraction.map((s) => [s.startStep, s.endStep, s.p, s.expectedActive, s.fixed])).toEqual([
      [0, 25, 0.5, 7, [0, 11]],
      [25, 100, 2 / 3, 9, [0, 10, 11]],
    ]);
    const bySteps = plan({
      training: { steps: 100 },
      policy: {
        kind: 'raptr',
        schedule: {
          stages: [
            { steps: 30, size: 4 },
            { steps: 70, p: 1 },
          ],
          fixed: [],
        },
      },
    });
    expect(bySteps.map((s) => [s.endStep - s.startStep, s.p, s.fixed])).toEqual([
      [30, 4 / 12, []],
      [70, 1, []],
    ]);
  });

  it('plans one stage for full, pld (run averages) and stochastic depth', () => {
    expect(plan({ policy: { kind: 'full' }, training: { steps: 50 } })).toEqual([
      {
        index: 0,
        label: 'full training',
        startStep: 0,
        endStep: 50,
        p: 1,
        expectedActive: 12,
        fixed: [],
        depth: 12,
      },
    ]);
    const [pld] = plan({ policy: { kind: 'pld', gamma: 0.01 }, training: { steps: 300 } });
    let sum = 0;
    for (let t = 0; t < 300; t++) sum += pldExpectedActive({ thetaBar: 0.5, gamma: 0.01 }, 12, t);
    expect(pld!.expectedActive).toBeCloseTo(sum / 300, 10);
    expect(pld!.p).toBeCloseTo(sum / 300 / 12, 10);
    const [sd] = plan({ policy: { kind: 'stochastic-depth', keepProb: 0.75 } });
    expect(sd).toMatchObject({
      p: 0.75,
      expectedActive: 9.5,
      fixed: [0, 11],
      label: 'stochastic depth · p=0.75',
    });
  });

  it('plans stacking as one stage per depth, every grown block active', () => {
    const stages = plan({ policy: { kind: 'stacking', label: '6-9-12' }, training: { steps: 300 } });
    expect(stages.map((s) => [s.label, s.startStep, s.endStep, s.depth, s.expectedActive, s.p])).toEqual([
      ['stage 1 of 3 · depth 6', 0, 100, 6, 6, 1],
      ['stage 2 of 3 · depth 9', 100, 200, 9, 9, 1],
      ['stage 3 of 3 · depth 12', 200, 300, 12, 12, 1],
    ]);
  });

  it('covers [0, steps) exactly, without gaps, for every policy', () => {
    const policies: RunConfigInput['policy'][] = [
      { kind: 'full' },
      { kind: 'raptr', schedule: { label: '3-5-7-8', lengths: 'proportional', initialFullSteps: 7 } },
      { kind: 'pld' },
      { kind: 'stochastic-depth' },
      { kind: 'stacking', label: '2-5-8', lengths: 'proportional' },
    ];
    for (const policy of policies) {
      const stages = plan({ policy, model: { layers: 8 }, training: { steps: 97 } });
      expect(stages[0]!.startStep).toBe(0);
      expect(stages.at(-1)!.endStep).toBe(97);
      stages.forEach((s, i) => {
        expect(s.index).toBe(i);
        expect(s.endStep).toBeGreaterThan(s.startStep);
        if (i > 0) expect(s.startStep).toBe(stages[i - 1]!.endStep);
      });
    }
  });
});

describe('stageIndexAt', () => {
  const stages = plan({ training: { steps: 400 } });
  it('finds the stage of a step, endStep exclusive', () => {
    expect([0, 99, 100, 250, 399].map((t) => stageIndexAt(stages, t))).toEqual([0, 0, 1, 2, 3]);
  });
  it('puts steps past the end in the last stage and refuses negative steps', () => {
    expect(stageIndexAt(stages, 400)).toBe(3);
    expect(() => stageIndexAt(stages, -1)).toThrow(RangeError);
  });
});
