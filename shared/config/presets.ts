// Ready-made runs. Each is a partial config (defaults fill the rest) with one line saying what it shows.
// Every preset checkpoints periodically, at evaluation steps: a crash, a full disk or a damaged newest
// checkpoint costs a few hundred steps, not the run.
import type { RunConfigInput } from './schema.js';

export interface Preset {
  name: string;
  description: string;
  config: RunConfigInput;
}

/** The polynomial experiment of RAPTR.md: d=20, staircase degrees 1-4, residual MLP width 128, L=8. */
const polynomialBase = {
  task: { kind: 'polynomial', inputDim: 20 },
  model: { layers: 8, dModel: 128, ffDim: 128 },
  optimizer: { lr: 1e-3, decay: 'cosine', weightDecay: 0 },
  training: { batchSize: 256, steps: 3000, evalEvery: 100, checkpointEvery: 500, seed: 0 },
} as const satisfies RunConfigInput;

/**
 * BERT-mini on the built-in corpus (ENGINE-NOTES.md's shape): d=128, 4 heads, ff 512, seq 64, L=12,
 * post-LN as the original BERT. Every bert-mini preset uses the same steps, batch and optimizer, so
 * their runs compare at equal steps and tokens; only the policy differs.
 */
const bertMiniBase = {
  task: { kind: 'mlm', corpus: { kind: 'builtin', name: 'sotu' }, tokenizer: { vocabSize: 8000 } },
  model: { layers: 12, dModel: 128, heads: 4, ffDim: 512, seqLen: 64, norm: 'pre' },
  optimizer: { lr: 1e-3, warmupSteps: 100, decay: 'linear', weightDecay: 0.01, gradClip: 1 },
  training: { batchSize: 16, steps: 2000, evalEvery: 250, checkpointEvery: 250, seed: 0 },
} as const satisfies RunConfigInput;

export const PRESETS: readonly Preset[] = [
  {
    name: 'quickstart',
    description:
      'Tiny BERT on the built-in State of the Union corpus, RaPTr 3-4-5-6 of 6 blocks; about a minute on a laptop CPU.',
    config: {
      name: 'Quickstart',
      task: {
        kind: 'mlm',
        corpus: { kind: 'builtin', name: 'sotu' },
        tokenizer: { vocabSize: 4000 },
        evalBatches: 4,
      },
      model: { layers: 6, dModel: 64, heads: 2, ffDim: 256, seqLen: 32, norm: 'pre' },
      policy: {
        kind: 'raptr',
        schedule: { label: '3-4-5-6', lengths: 'equal', fixed: [0, -1] },
        scale: 'sqrt',
      },
      optimizer: { lr: 2e-3, decay: 'linear' },
      training: { batchSize: 16, steps: 400, evalEvery: 100, checkpointEvery: 100, seed: 0 },
    },
  },
  {
    name: 'polynomial-full',
    description:
      'Boolean polynomial (degrees 1-4 on 20 bits), residual MLP L=8, every block every step (the baseline).',
    config: { ...polynomialBase, name: 'Polynomial · full', policy: { kind: 'full' } },
  },
  {
    name: 'polynomial-raptr',
    description:
      'The same task with RaPTr 4-6-8 (first and last block fixed, sqrt scaling): 1.33x fewer block FLOPs.',
    config: {
      ...polynomialBase,
      name: 'Polynomial · RaPTr 4-6-8',
      policy: {
        kind: 'raptr',
        schedule: { label: '4-6-8', lengths: 'equal', fixed: [0, -1] },
        scale: 'sqrt',
      },
    },
  },
  {
    name: 'polynomial-pld',
    description:
      'The same task with progressive layer dropping, tuned to spend the same block FLOPs as RaPTr 4-6-8.',
    config: {
      ...polynomialBase,
      name: 'Polynomial · PLD',
      // thetaBar 0.5 as in Zhang & He; gamma solved so the mean active blocks over 3000 steps is 6 of 8,
      // as for RaPTr 4-6-8 (test/shared/presets.test.ts checks the match).
      policy: { kind: 'pld', thetaBar: 0.5, gamma: 0.003 },
    },
  },
  {
    name: 'bert-mini-full',
    description:
      'BERT-mini (L=12, d=128) on the State of the Union corpus, every block every step: the baseline.',
    config: { ...bertMiniBase, name: 'BERT-mini · full', policy: { kind: 'full' } },
  },
  {
    name: 'bert-mini-raptr',
    description:
      "BERT-mini with RaPTr 6-8-10-12 (equal stages, first and last fixed, sqrt scaling): the paper's BERT schedule.",
    config: {
      ...bertMiniBase,
      name: 'BERT-mini · RaPTr 6-8-10-12',
      policy: {
        kind: 'raptr',
        schedule: { label: '6-8-10-12', lengths: 'equal', fixed: [0, -1] },
        scale: 'sqrt',
      },
    },
  },
  {
    name: 'bert-mini-pld',
    description:
      'BERT-mini with progressive layer dropping, tuned to spend the same block FLOPs as RaPTr 6-8-10-12.',
    config: {
      ...bertMiniBase,
      name: 'BERT-mini · PLD',
      // thetaBar 0.5 (Zhang & He); gamma solved so the mean expected active blocks over 2000 steps is 9 of 12,
      // as for RaPTr 6-8-10-12: 12 - (1 - mean theta) * 13/2 = 9 (test/shared/presets.test.ts checks it).
      policy: { kind: 'pld', thetaBar: 0.5, gamma: 0.00652 },
    },
  },
  {
    name: 'bert-mini-stacking',
    description:
      'BERT-mini grown by gradual stacking 6-9-12 (copy the top block, re-warm the LR each stage).',
    config: {
      ...bertMiniBase,
      name: 'BERT-mini · stacking 6-9-12',
      policy: { kind: 'stacking', label: '6-9-12', lengths: 'equal' },
    },
  },
];

export function findPreset(name: string): Preset | undefined {
  return PRESETS.find((p) => p.name === name);
}
