// Resume is exact: a run stopped at step k and resumed logs the same losses after k as a run never
// stopped. Checkpoints are verified on load: a damaged file is refused.
import { mkdtempSync, readdirSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrainerMessage } from '../../shared/trainer-protocol.js';
import { trainInNode, type NodeTrainOptions } from '../../src-main/trainer/node-engine.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'raptr-cache-'));

const polynomial = {
  task: { kind: 'polynomial', inputDim: 10, terms: [{ support: [0] }, { support: [1, 2] }] },
  model: { layers: 4, dModel: 16, ffDim: 16 },
  policy: { kind: 'raptr', schedule: { label: '2-3-4' } },
  optimizer: { lr: 3e-3 },
  training: {
    batchSize: 32,
    steps: 36,
    evalEvery: 10,
    checkpointEvery: 7,
    seed: 2,
    backend: 'wasm',
    transitionWindow: 4,
  },
};

async function run(config: unknown, options: Partial<NodeTrainOptions> & { stopAfter?: number } = {}) {
  const messages: TrainerMessage[] = [];
  let steps = 0;
  await trainInNode(config, {
    emit: (m) => {
      messages.push(m);
      if (m.type === 'step') steps++;
    },
    control: {
      stopRequested: () => options.stopAfter !== undefined && steps >= options.stopAfter,
      checkpointRequested: () => false,
    },
    outDir: options.outDir ?? null,
    resume: options.resume ?? null,
    cacheDir,
  });
  return messages;
}

const stepLosses = (messages: TrainerMessage[]) =>
  messages.flatMap((m) => (m.type === 'step' ? [[m.step, m.loss, m.cumFlops] as const] : []));
const checkpoints = (messages: TrainerMessage[]) =>
  messages.flatMap((m) => (m.type === 'checkpoint' ? [m] : []));

describe.each([
  ['RaPTr polynomial', polynomial],
  ['gradual stacking', { ...polynomial, policy: { kind: 'stacking', label: '2-3-4' } }],
  [
    'RaPTr masked language model',
    {
      ...polynomial,
      task: { kind: 'mlm', tokenizer: { vocabSize: 500 }, evalBatches: 1, probes: { when: 'never' } },
      model: { layers: 4, dModel: 16, heads: 2, ffDim: 32, seqLen: 16 },
      training: { ...polynomial.training, batchSize: 4 },
    },
  ],
])('resume (%s)', (_name, config) => {
  it('continues exactly where a stopped run left off', async () => {
    const alone = await run(config);
    const outDir = mkdtempSync(join(tmpdir(), 'raptr-run-'));
    // Stop after 12 steps (mid-stage, between periodic checkpoints): a stop always writes a checkpoint.
    const first = await run(config, { outDir, stopAfter: 12 });
    expect(first.at(-1)).toMatchObject({ type: 'done', status: 'stopped', step: 12 });
    expect(checkpoints(first).map((c) => c.step)).toEqual([7, 12]);
    const last = checkpoints(first).at(-1)!;
    const resumed = await run(config, { outDir, resume: { path: last.path, sha256: last.sha256 } });
    expect(resumed.find((m) => m.type === 'start')).toMatchObject({ resumedFromStep: 12 });
    expect(stepLosses(resumed)).toEqual(stepLosses(alone).slice(12));
    const evals = (ms: TrainerMessage[]) =>
      ms.filter((m) => m.type === 'eval' || m.type === 'transition' || m.type === 'stage');
    expect(evals(resumed)).toEqual(evals(alone).filter((m) => m.step >= 12));
    expect(resumed.at(-1)).toMatchObject({ type: 'done', status: 'completed', step: 36 });
  });
});

describe('resume with adaptive stage lengths', () => {
  // Settles easily (a forecast rise under 100%, an improvement under 50% over one evaluation), so stages
  // end early and the plan moves; evaluations every 3 steps, so the stop at 12 falls between two.
  const adaptive = {
    ...polynomial,
    policy: {
      kind: 'raptr',
      schedule: { label: '2-3-4', lengths: 'adaptive', adaptive: { epsilon: 1, delta: 0.5, window: 1 } },
    },
    training: { ...polynomial.training, evalEvery: 3, checkpointEvery: 0 },
  };
  const boundaries = (ms: TrainerMessage[]) =>
    ms.flatMap((m) => (m.type === 'stage' && m.step === m.stage.startStep ? [m.step] : []));

  it('follows the same stages, decided the same way, as a run never stopped', async () => {
    const alone = await run(adaptive);
    expect(boundaries(alone)).not.toEqual([0, 12, 24]); // the equal plan
    const outDir = mkdtempSync(join(tmpdir(), 'raptr-run-'));
    const first = await run(adaptive, { outDir, stopAfter: 10 });
    const last = checkpoints(first).at(-1)!;
    expect(last.step).toBe(10);
    const resumed = await run(adaptive, { outDir, resume: { path: last.path, sha256: last.sha256 } });
    expect(stepLosses(resumed)).toEqual(stepLosses(alone).slice(10));
    const later = (ms: TrainerMessage[]) =>
      ms.filter((m) => (m.type === 'eval' || m.type === 'stage' || m.type === 'transition') && m.step >= 10);
    expect(later(resumed)).toEqual(later(alone));
    const start = (ms: TrainerMessage[]) => ms.find((m) => m.type === 'start');
    const plans = alone.flatMap((m) => (m.type === 'stage' && m.step < 10 ? [m.plan] : []));
    expect(start(resumed)).toMatchObject({ stages: plans.at(-1) });
  });
});

describe('resume of a run recorded before task.evalMasking', () => {
  it('keeps measuring the held-out MLM loss the way the run started: with the training masking', async () => {
    const mlm = {
      ...polynomial,
      task: { kind: 'mlm', tokenizer: { vocabSize: 500 }, evalBatches: 1, probes: { when: 'never' } },
      model: { layers: 4, dModel: 16, heads: 2, ffDim: 32, seqLen: 16 },
      training: { ...polynomial.training, batchSize: 4 },
    };
    const alone = await run(mlm);
    const outDir = mkdtempSync(join(tmpdir(), 'raptr-run-'));
    const last = checkpoints(await run(mlm, { outDir, stopAfter: 12 })).at(-1)!;
    // What an earlier version wrote: the same state without the field.
    const statePath = join(last.path, 'state.json');
    const state = JSON.parse(readFileSync(statePath, 'utf8'));
    delete state.config.task.evalMasking;
    writeFileSync(statePath, JSON.stringify(state));
    const resumed = await run(mlm, { outDir, resume: { path: last.path, sha256: null } });
    const start = resumed.find((m) => m.type === 'start');
    expect(start?.type === 'start' && start.config).toMatchObject({ task: { evalMasking: 'training-rule' } });
    const values = (ms: TrainerMessage[], name: string) =>
      ms.flatMap((m) => (m.type === 'eval' ? [[m.step, m.results.find((r) => r.name === name)?.value]] : []));
    expect(values(resumed, 'eval/mlm_loss')).toEqual(
      values(alone, 'eval/mlm_loss_train_masking').filter(([step]) => step! >= 12),
    );
    expect(values(resumed, 'eval/mlm_loss_train_masking').every(([, v]) => v === undefined)).toBe(true);
  });
});

describe('checkpoint files', () => {
  it('are written atomically and refused when damaged', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'raptr-run-'));
    const messages = await run(polynomial, { outDir });
    const folders = readdirSync(join(outDir, 'checkpoints'));
    expect(folders).toEqual([
      'step-00000007',
      'step-00000014',
      'step-00000021',
      'step-00000028',
      'step-00000035',
      'step-00000036',
    ]);
    const last = checkpoints(messages).at(-1)!;
    const weights = join(last.path, 'model.safetensors');
    const bytes = readFileSync(weights);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    writeFileSync(weights, bytes);
    await expect(
      run(polynomial, { outDir, resume: { path: last.path, sha256: last.sha256 } }),
    ).rejects.toThrow(/model\.safetensors fails its sha256 check/);
    writeFileSync(weights, bytes.subarray(0, 100));
    await expect(
      run(polynomial, { outDir, resume: { path: last.path, sha256: last.sha256 } }),
    ).rejects.toThrow(/truncated/);
    await expect(
      run(polynomial, { outDir, resume: { path: last.path, sha256: '0'.repeat(64) } }),
    ).rejects.toThrow(/state\.json does not match the sha256/);
  });
});
