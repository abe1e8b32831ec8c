// The BERT-style encoder: skipping and scaling do what RAPTR.md says, pre-LN and post-LN train, and the
// wasm backend (with our kernels) computes what the plain cpu backend computes.
import { describe, expect, it } from 'vitest';
import { mustParseRunConfig } from '../../shared/config/validate.js';
import { Rng } from '../../shared/rng.js';
import { selectBackend } from '../../src-main/trainer/backend/select-backend.js';
import { ParameterSet } from '../../src-main/trainer/model/params.js';
import { BertEncoder } from '../../src-main/trainer/model/transformer.js';
import type { StepMask } from '../../src-main/trainer/subnet/index.js';
import { tf } from '../../src-main/trainer/tf.js';

const B = 3;
const S = 8;
const V = 50;

function encoder(norm: 'pre' | 'post') {
  const config = mustParseRunConfig({
    model: { layers: 3, dModel: 16, heads: 2, ffDim: 32, seqLen: S, vocabSize: V, norm },
  });
  const params = new ParameterSet(Rng.stream(5, 'init'));
  return { model: new BertEncoder(config.model, params), params };
}

function batch() {
  const rng = Rng.stream(9, 'batch');
  const ids = tf.tensor1d(
    Int32Array.from({ length: B * S }, () => rng.int(V)),
    'int32',
  );
  const positions = tf.tensor1d([1, 5, 9, 14, 20], 'int32');
  const labels = tf.tensor1d([3, 7, 11, 2, 40], 'int32');
  return { ids, positions, labels };
}

const mask = (active: boolean[], scales = active.map(() => 1)): StepMask => ({
  depth: active.length,
  active,
  scales,
  activeCount: active.filter(Boolean).length,
  scale: 1,
});

describe.each(['pre', 'post'] as const)('BERT encoder (%s-LN)', (norm) => {
  it('treats a branch factor of 0 exactly like bypassing the block', async () => {
    await selectBackend('wasm');
    const { model, params } = encoder(norm);
    const { ids } = batch();
    if (norm === 'pre') {
      const skipped = model.hidden(ids, B, mask([true, false, true])).dataSync();
      const zeroed = model.hidden(ids, B, mask([true, true, true], [1, 0, 1])).dataSync();
      Array.from(skipped).forEach((x, i) => expect(x).toBeCloseTo(zeroed[i]!, 5));
    }
    // A bypassed block gets no gradient at all: nothing flows through code that never ran.
    const { labels, positions } = batch();
    const { grads } = tf.variableGrads(
      () =>
        model.mlmLoss(model.hidden(ids, B, mask([true, false, true])), { positions, labels }) as tf.Scalar,
      params.all().map((p) => p.variable),
    );
    const withGrad = new Set(Object.keys(grads).map((v) => params.nameOf(v)));
    expect(params.inGroup('block.1').some((p) => withGrad.has(p.name))).toBe(false);
    expect(params.inGroup('block.0').every((p) => withGrad.has(p.name))).toBe(true);
    params.dispose();
  });

  it('computes the same loss and gradients on wasm (our kernels) and cpu', async () => {
    const results: Array<{ loss: number; grad: Float32Array }> = [];
    for (const backend of ['wasm', 'cpu'] as const) {
      await selectBackend(backend);
      const { model, params } = encoder(norm);
      const { ids, positions, labels } = batch();
      const m = mask([true, true, true], [1.2, 1.2, 1.2]);
      const { value, grads } = tf.variableGrads(
        () => model.mlmLoss(model.hidden(ids, B, m), { positions, labels }) as tf.Scalar,
      );
      const wq = Object.entries(grads).find(([v]) => params.nameOf(v) === 'blocks.1.attn.q.w')![1];
      results.push({ loss: value.dataSync()[0]!, grad: Float32Array.from(wq.dataSync()) });
      params.dispose();
    }
    const [wasm, cpu] = results;
    expect(wasm!.loss).toBeCloseTo(cpu!.loss, 4);
    wasm!.grad.forEach((g, i) => expect(g).toBeCloseTo(cpu!.grad[i]!, 4));
    expect(Number.isFinite(wasm!.loss)).toBe(true);
  });

  it('ignores padding: a padded row gives the hidden states of the same row unpadded', async () => {
    await selectBackend('wasm');
    const { model, params } = encoder(norm);
    const full = mask([true, true, true]);
    const short = tf.tensor1d([2, 17, 23, 9, 3], 'int32');
    const alone = model.hidden(short, 1, full, { seqLen: 5, lengths: tf.tensor1d([5], 'int32') }).dataSync();
    const padded = tf.tensor1d([2, 17, 23, 9, 3, 0, 0, 0, 2, 5, 6, 7, 8, 9, 10, 3], 'int32');
    const rows = model
      .hidden(padded, 2, full, { seqLen: 8, lengths: tf.tensor1d([5, 8], 'int32') })
      .dataSync();
    for (let i = 0; i < 5 * 16; i++) expect(rows[i]).toBeCloseTo(alone[i]!, 4);
    const pooled = model.pooled(padded, 2, full, { seqLen: 8, lengths: tf.tensor1d([5, 8], 'int32') });
    expect(pooled.shape).toEqual([2, 16]);
    const mean0 = Array.from(
      { length: 16 },
      (_, j) => [0, 1, 2, 3, 4].reduce((s, t) => s + alone[t * 16 + j]!, 0) / 5,
    );
    Array.from(pooled.dataSync().slice(0, 16)).forEach((x, j) => expect(x).toBeCloseTo(mean0[j]!, 4));
    params.dispose();
  });
});
