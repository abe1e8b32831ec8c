// The held-out MLM evaluation, through the MLM task itself. A model built to copy its input and otherwise
// know only word frequencies beats the unigram line under the training masking (it copies the unchanged
// tenth of the targets) and does not with [MASK] at every target; the baselines come from exactly the
// targets evaluated; a run recorded with the training masking keeps its keys.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunConfig } from '../../shared/config/schema.js';
import { mustParseRunConfig } from '../../shared/config/validate.js';
import { Rng } from '../../shared/rng.js';
import { selectBackend } from '../../src-main/trainer/backend/select-backend.js';
import { maskEveryTarget } from '../../src-main/trainer/data/mlm/batch.js';
import { prepareMlmData, type MlmData } from '../../src-main/trainer/data/prepare.js';
import { prepareMlmDataset } from '../../src-main/trainer/data/prepare-dataset.js';
import { MASK_ID } from '../../src-main/trainer/data/tokenizer/special-tokens.js';
import { ParameterSet } from '../../src-main/trainer/model/params.js';
import { firstBlocksMask } from '../../src-main/trainer/subnet/mask.js';
import { createMlmTask } from '../../src-main/trainer/tasks/mlm.js';
import { tf } from '../../src-main/trainer/tf.js';
import { syntheticText } from './data/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'raptr-held-out-'));
const corpus = join(dir, 'corpus.txt');
const cacheDir = join(dir, 'cache');
const D = 128;
const LAYERS = 2;

function configWith(evalMasking: 'every-target' | 'training-rule'): RunConfig {
  return mustParseRunConfig({
    task: {
      kind: 'mlm',
      corpus: { kind: 'text', path: corpus },
      tokenizer: { vocabSize: 120 },
      heldOutFraction: 0.2,
      evalBatches: 8,
      evalMasking,
      probes: { when: 'never' },
    },
    model: { layers: LAYERS, dModel: D, heads: 2, ffDim: 32, seqLen: 32 },
    policy: { kind: 'full' },
    training: { batchSize: 4, seed: 7, backend: 'wasm' },
  });
}

let data: MlmData;
beforeAll(async () => {
  writeFileSync(corpus, syntheticText());
  await selectBackend('wasm');
  const config = configWith('every-target');
  data = await prepareMlmData(config.task as Extract<RunConfig['task'], { kind: 'mlm' }>, {
    seqLen: 32,
    batchSize: 4,
    seed: 7,
    cacheDir,
  });
});

const set = (params: ParameterSet, name: string, values: Float32Array) =>
  params.load(new Map([[name, tf.tensor(values, params.get(name).shape)]]));

/**
 * Weights that make the encoder a copier. Each ordinary token's embedding is its own axis (vocabulary <=
 * d), [MASK]'s is zero, positions are zero, every block's output projections are zero (so blocks pass their
 * input through), the head's transform is a scaled identity (its GELU and LayerNorm then give back the
 * input's direction), and the tied decoder scores each token by its dot product with the input token plus
 * a bias of the training unigram log-probabilities. Result: logits = log p(token) + `boost` at the input
 * token. Under [MASK] the hidden state is zero and the logits are the unigram distribution exactly.
 */
function makeCopier(params: ParameterSet, vocab: number, logProbs: Float64Array, boost: number): void {
  const scale = (boost * Math.sqrt(D - 1)) / D;
  const embeddings = new Float32Array(vocab * D);
  for (let t = 0; t < vocab; t++) if (t !== MASK_ID) embeddings[t * D + t] = scale;
  set(params, 'embed.tokens', embeddings);
  set(params, 'embed.positions', new Float32Array(params.get('embed.positions').size));
  for (let i = 0; i < LAYERS; i++)
    for (const name of ['attn.o.w', 'attn.o.b', 'mlp.out.w', 'mlp.out.b'])
      set(params, `blocks.${i}.${name}`, new Float32Array(params.get(`blocks.${i}.${name}`).size));
  const transform = new Float32Array(D * D);
  for (let i = 0; i < D; i++) transform[i * D + i] = 10;
  set(params, 'head.transform.w', transform);
  set(
    params,
    'head.bias',
    Float32Array.from(logProbs, (lp) => (Number.isFinite(lp) ? lp : -30)),
  );
}

async function evaluateCopier(evalMasking: 'every-target' | 'training-rule') {
  const config = configWith(evalMasking);
  const params = new ParameterSet(Rng.stream(7, 'init'));
  const mlm = config.task as Extract<RunConfig['task'], { kind: 'mlm' }>;
  const dataset = await prepareMlmDataset(mlm, { seqLen: 32, batchSize: 4, seed: 7 }, cacheDir, () => {});
  const task = createMlmTask(config, mlm, params, dataset, () => {});
  try {
    makeCopier(params, data.vocabSize, data.unigramLogProbs, 5);
    const mask = firstBlocksMask(LAYERS, LAYERS);
    const before = tf.memory().numTensors;
    const results = await task.evaluate(mask, 'final');
    expect(await task.evaluate(mask, 'final')).toEqual(results); // the same targets every time
    expect(tf.memory().numTensors).toBe(before);
    return Object.fromEntries(results.map((r) => [r.name, r.value]));
  } finally {
    task.dispose();
    params.dispose();
  }
}

describe('held-out MLM evaluation', () => {
  it('holds the targets of the training rule, with [MASK] at every one of them', () => {
    expect(data.vocabSize).toBeLessThanOrEqual(D); // the copier needs an axis per token
    let showing = 0;
    for (const batch of data.heldOut.batches(8)) {
      const every = maskEveryTarget(batch);
      expect(every.maskedPositions).toEqual(batch.maskedPositions);
      expect(every.maskedLabels).toEqual(batch.maskedLabels);
      const targets = new Set(batch.maskedPositions);
      every.inputIds.forEach((id, p) => expect(id).toBe(targets.has(p) ? MASK_ID : batch.inputIds[p]));
      showing += batch.maskedPositions.filter((p, i) => batch.inputIds[p] === batch.maskedLabels[i]).length;
    }
    // The training rule leaves some targets showing their own answer: what a copier exploits.
    expect(showing).toBeGreaterThan(0);
  });

  it('gives a model that only copies its input and knows frequencies no credit beyond the unigram line', async () => {
    const r = await evaluateCopier('every-target');
    const unigram = r['eval/mlm_unigram_loss']!;
    // With every target masked, the copier has nothing to copy: it is the unigram guess, no better.
    expect(r['eval/mlm_loss']!).toBeGreaterThanOrEqual(unigram - 1e-4);
    expect(r['eval/mlm_acc']!).toBeLessThanOrEqual(r['eval/mlm_most_frequent_acc']!);
    expect(r['eval/mlm_top_token_share']).toBe(1); // one guess everywhere
    // The training-rule figure, which the old eval/mlm_loss was, credits it with copying.
    expect(r['eval/mlm_loss_train_masking']!).toBeLessThan(unigram - 0.1);
  });

  it('computes the baselines on exactly the evaluated targets, from training counts', async () => {
    const r = await evaluateCopier('every-target');
    const labels = data.heldOut.batches(8).flatMap((b) => Array.from(b.maskedLabels));
    const logProbs = data.unigramLogProbs;
    let top = 5;
    for (let id = 5; id < logProbs.length; id++) if (logProbs[id]! > logProbs[top]!) top = id;
    const unigram = labels.reduce((sum, label) => sum - logProbs[label]!, 0) / labels.length;
    expect(r['eval/mlm_unigram_loss']).toBeCloseTo(unigram, 12);
    expect(r['eval/mlm_most_frequent_acc']).toBe(labels.filter((l) => l === top).length / labels.length);
    // The copier's unigram guess scores the baselines themselves, up to float32.
    expect(r['eval/mlm_loss']).toBeCloseTo(unigram, 3);
    expect(r['eval/mlm_acc']).toBe(r['eval/mlm_most_frequent_acc']);
  });

  it('keeps the old keys and meaning for a run measured with the training masking', async () => {
    const every = await evaluateCopier('every-target');
    const rule = await evaluateCopier('training-rule');
    expect(Object.keys(rule).sort()).toEqual(['eval/mlm_acc', 'eval/mlm_loss', 'eval/mlm_unigram_loss']);
    expect(rule['eval/mlm_loss']).toBe(every['eval/mlm_loss_train_masking']);
    expect(rule['eval/mlm_unigram_loss']).toBe(every['eval/mlm_unigram_loss']);
    expect(rule['eval/mlm_acc']!).toBeGreaterThan(every['eval/mlm_acc']!);
  });
});
