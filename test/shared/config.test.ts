import { describe, expect, it } from 'vitest';
import { parseRunConfig, formatIssues } from '../../shared/config/validate.js';
import { dropFieldsOfOtherKinds } from '../../shared/config/kind-change.js';
import { applyOverride, parseOverride } from '../../shared/config/overrides.js';

function problems(input: unknown): string[] {
  const result = parseRunConfig(input);
  return result.ok ? [] : formatIssues(result.issues);
}

describe('run config', () => {
  it('fills every documented default from an empty object', () => {
    const result = parseRunConfig({});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { config } = result;
    expect(config.task.kind).toBe('mlm');
    expect(config.model).toMatchObject({
      layers: 12,
      dModel: 128,
      heads: 4,
      ffDim: 512,
      seqLen: 64,
      norm: 'pre',
    });
    expect(config.policy).toMatchObject({
      kind: 'raptr',
      scale: 'sqrt',
      sampler: 'bernoulli',
      skippedGrad: 'none',
    });
    if (config.policy.kind !== 'raptr') return;
    expect(config.policy.schedule).toMatchObject({
      label: '6-8-10-12',
      lengths: 'equal',
      fixed: [0, -1],
      initialFullSteps: 0,
    });
    expect(config.optimizer).toMatchObject({ kind: 'adamw', lr: 1e-3, decay: 'linear', gradClip: 1 });
    expect(config.training).toMatchObject({ batchSize: 16, seed: 0, backend: 'auto' });
  });

  it('fills the polynomial task defaults: d=20, staircase degrees 1..4', () => {
    const result = parseRunConfig({ task: { kind: 'polynomial' } });
    expect(result.ok && result.config.task).toMatchObject({
      kind: 'polynomial',
      inputDim: 20,
      terms: [{ support: [0] }, { support: [0, 1] }, { support: [0, 1, 2] }, { support: [0, 1, 2, 3] }],
    });
  });

  it('names the field and the reason for each problem, one message per problem', () => {
    const messages = problems({
      model: { layers: 12, dModel: 128, heads: 3 },
      policy: { kind: 'raptr', schedule: { stages: [{ p: 1.5 }, { p: 0.5 }], fixed: [0, 12] } },
      training: { steps: 0 },
    });
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^policy\.schedule\.stages\[0\]\.p: must be between 0 and 1/),
        expect.stringMatching(/^training\.steps: steps must be > 0/),
      ]),
    );
    // Cross-field checks run once the shapes are right.
    const cross = problems({
      model: { layers: 12, dModel: 128, heads: 3 },
      policy: { kind: 'raptr', schedule: { label: '6-8-14', fixed: [0, 12] } },
    });
    expect(cross).toEqual([
      'model.heads: 3 does not divide dModel 128',
      'policy.schedule.fixed[1]: layer 12 is out of range for 12 layers (0..11, or -1..-12)',
      'policy.schedule.label: stage size 14 is above the number of layers (12)',
    ]);
  });

  it('takes CPU threads as a whole number from 1 to 256, absent meaning the cores the run is given', () => {
    const result = parseRunConfig({ training: { threads: 4 } });
    expect(result.ok && result.config.training.threads).toBe(4);
    const absent = parseRunConfig({});
    expect(absent.ok && absent.config.training.threads).toBeUndefined();
    expect(problems({ training: { threads: 0 } })).toEqual(['training.threads: threads must be > 0']);
    expect(problems({ training: { threads: 2.5 } })).toEqual([
      'training.threads: threads must be a whole number',
    ]);
    expect(problems({ training: { threads: 1000 } })).toEqual(['training.threads: threads must be <= 256']);
    expect(problems({ training: { threads: 'all' } })).toEqual([
      'training.threads: threads must be a number',
    ]);
  });

  it('rejects unknown fields instead of ignoring typos', () => {
    expect(problems({ optimizer: { learningRate: 0.1 } })).toEqual([
      'optimizer: unknown field(s) "learningRate"',
    ]);
  });

  it('checks explicit stage steps add up and stacking ends at L', () => {
    expect(
      problems({
        training: { steps: 100 },
        policy: {
          kind: 'raptr',
          schedule: {
            stages: [
              { steps: 30, p: 0.5 },
              { steps: 30, p: 1 },
            ],
          },
        },
      }),
    ).toEqual([
      'policy.schedule.stages: stage steps add up to 60 but training.steps - initialFullSteps is 100',
    ]);
    expect(problems({ policy: { kind: 'stacking', label: '6-9' } })).toEqual([
      'policy.label: the last depth must equal model.layers (12)',
    ]);
  });
});

describe('--set overrides', () => {
  it('sets nested paths with JSON values and bare strings', () => {
    let config: unknown = { training: { steps: 10 } };
    config = applyOverride(config, parseOverride('training.steps=500'));
    config = applyOverride(config, parseOverride('model.norm=post'));
    config = applyOverride(config, parseOverride('policy.schedule.stages[0].p=0.5'));
    config = applyOverride(config, parseOverride('policy.schedule.stages[1].p=1'));
    expect(config).toEqual({
      training: { steps: 500 },
      model: { norm: 'post' },
      policy: { schedule: { stages: [{ p: 0.5 }, { p: 1 }] } },
    });
  });

  it('accepts short aliases for the most changed fields', () => {
    expect(parseOverride('steps=200')).toEqual({ path: 'training.steps', value: 200 });
    expect(parseOverride('lr=0.003')).toEqual({ path: 'optimizer.lr', value: 0.003 });
  });

  it('refuses prototype keys and malformed paths', () => {
    expect(() => applyOverride({}, parseOverride('__proto__.x=1'))).toThrow(/invalid field path/);
    expect(() => parseOverride('novalue')).toThrow(/path=value/);
  });
});

describe('default RaPTr schedule', () => {
  it("is the paper's label for BERT-base and UL2 depths, and fits any depth", async () => {
    const { defaultRaptrLabel } = await import('../../shared/config/schema.js');
    expect(defaultRaptrLabel(12)).toBe('6-8-10-12');
    expect(defaultRaptrLabel(24)).toBe('12-16-20-24');
    expect(defaultRaptrLabel(4)).toBe('2-3-4');
    const result = parseRunConfig({
      model: { layers: 8 },
      policy: { kind: 'raptr', schedule: { initialFullSteps: 10 } },
    });
    expect(result.ok && result.config.policy.kind === 'raptr' && result.config.policy.schedule.label).toBe(
      '4-5-7-8',
    );
  });
});

describe('--set overrides', () => {
  it('takes an index at most one past the end of a list', () => {
    const base = { policy: { kind: 'raptr', schedule: { fixed: [0, -1] } } };
    expect(applyOverride(base, parseOverride('policy.schedule.fixed[2]=3'))).toMatchObject({
      policy: { schedule: { fixed: [0, -1, 3] } },
    });
    expect(() => applyOverride(base, parseOverride('policy.schedule.fixed[100000000]=0'))).toThrow(
      'index 100000000 is out of range for policy.schedule.fixed, which has 2 items (use 0 to 2)',
    );
    expect(() => applyOverride(base, parseOverride('policy.schedule[0]=1'))).toThrow(
      'policy.schedule is not a list',
    );
    expect(() => applyOverride({}, parseOverride(`${'a.'.repeat(20)}b=1`))).toThrow(/more than 16 parts/);
  });

  it('drops the fields a new kind lacks, and only those', () => {
    const preset = {
      policy: { kind: 'raptr', schedule: { label: '2-3-4' }, scale: 'sqrt', sampler: 'exact-k' },
      task: { kind: 'mlm', corpus: { kind: 'text', path: 'a.txt' } },
    };
    const full = applyOverride(preset, parseOverride('policy.kind=full'));
    expect(dropFieldsOfOtherKinds(full, 'policy.kind')).toEqual([
      'policy.schedule',
      'policy.scale',
      'policy.sampler',
    ]);
    expect(full.policy).toEqual({ kind: 'full' });
    const sd = applyOverride(preset, parseOverride('policy.kind=stochastic-depth'));
    expect(dropFieldsOfOtherKinds(sd, 'policy.kind')).toEqual(['policy.schedule']);
    const builtin = applyOverride(preset, parseOverride('task.corpus.kind=builtin'));
    expect(dropFieldsOfOtherKinds(builtin, 'task.corpus.kind')).toEqual(['task.corpus.path']);
    expect(problems(builtin)).toEqual([]);
    // Not a kind, or a kind nobody knows: nothing is dropped (validation names an unknown kind).
    expect(
      dropFieldsOfOtherKinds(applyOverride(preset, parseOverride('policy.kind=nope')), 'policy.kind'),
    ).toEqual([]);
    expect(dropFieldsOfOtherKinds(preset, 'policy.scale')).toEqual([]);
  });
});
