// The fused kernels of each backend (backend/wasm/, backend/webgpu/) against the composite tf-op math in
// model/layers.ts, on the same backend: values and gradients must agree to float32 rounding.
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { setFusedOps } from '../../../src-main/trainer/backend/fused-ops.js';
import { selectBackend } from '../../../src-main/trainer/backend/select-backend.js';
import {
  attention,
  gelu,
  layerNorm,
  linear,
  meanCrossEntropy,
  residual,
} from '../../../src-main/trainer/model/layers.js';
import { tf } from '../../../src-main/trainer/tf.js';
import { randomTensors } from './random-tensor.js';
import { Rng } from '../../../shared/rng.js';
import { requireAdapter, skipWebgpu } from './webgpu-adapter.js';

const rng = Rng.stream(11, 'fused-test');
const random = randomTensors(rng);

/**
 * max |a - b| / max |b|: relative to the tensor's scale, not element by element, because gradients such as
 * LayerNorm's dx are differences of near-equal terms where both paths are equally off (~1e-7 of the scale
 * against a float64 reference).
 */
async function relativeDifference(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  expect(a.shape).toEqual(b.shape);
  const [x, y] = await Promise.all([a.data(), b.data()]);
  let worst = 0,
    scale = 0;
  for (let i = 0; i < x.length; i++) {
    worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
    scale = Math.max(scale, Math.abs(y[i]!));
  }
  return scale === 0 ? worst : worst / scale;
}

/** Value and gradients (for a random upstream gradient) of f, with the fused path on or off. */
function evaluate(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], fused: boolean) {
  setFusedOps(fused);
  return tf.tidy(() => {
    const value = f(...inputs);
    const upstream = tf.tensor(
      Float32Array.from({ length: value.size }, (_, i) => Math.cos(i)),
      value.shape,
    );
    const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), upstream)))(inputs);
    return { value, grads };
  });
}

async function expectAgree(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], tol = 1e-5) {
  const fused = evaluate(f, inputs, true);
  const composite = evaluate(f, inputs, false);
  const worst = await Promise.all(
    [fused.value, ...fused.grads].map((t, i) =>
      relativeDifference(t, [composite.value, ...composite.grads][i]!),
    ),
  );
  expect(Math.max(...worst)).toBeLessThan(tol);
  tf.dispose([fused.value, ...fused.grads, composite.value, ...composite.grads]);
  return worst;
}

afterEach(() => setFusedOps(true));

const backends = [
  { name: 'wasm', skip: false, device: 'RaPTr kernels' },
  { name: 'webgpu', skip: skipWebgpu, device: 'WebGPU' },
] as const;

describe.each(backends)('fused ops on $name agree with their composites', ({ name, skip, device }) => {
  beforeAll(async () => {
    if (skip) return;
    if (name === 'webgpu') requireAdapter();
    const info = await selectBackend(name);
    expect(info.device).toContain(device);
  });
  const it = skip ? test.skip : test;

  it('GELU, including large |x| and odd sizes', async () => {
    await expectAgree((x) => gelu(x), [random([37, 19], 3)]);
    await expectAgree((x) => gelu(x), [tf.tensor1d([-30, -12, -5, -0.5, 0, 1e-4, 0.5, 5, 12, 30])]);
  });

  it('LayerNorm over rows of several widths, with a tail not a multiple of 4', async () => {
    for (const cols of [128, 16, 7, 1]) {
      const x = tf.add(random([33, cols], 2), 0.5);
      await expectAgree((a, g, b) => layerNorm(a, g, b), [x, random([cols], 1), random([cols], 1)]);
    }
    await expectAgree((a, g, b) => layerNorm(a, g, b), [random([2, 5, 12]), random([12]), random([12])]);
  });

  it('dense layer with bias, rows and widths that are not multiples of the GEMM tile', async () => {
    for (const [rows, inputs, outputs] of [
      [64, 128, 512],
      [13, 7, 11],
      [1, 300, 3],
    ] as const)
      await expectAgree(
        (x, w, b) => linear(x, w, b),
        [random([rows, inputs]), random([inputs, outputs], 0.1), random([outputs])],
      );
  });

  it('residual connection, with and without a branch factor', async () => {
    for (const a of [1, Math.sqrt(2), 0])
      await expectAgree((y, f) => residual(y, f, a), [random([9, 13]), random([9, 13])]);
  });

  it('multi-head attention, including sizes off the SIMD and tile widths', async () => {
    for (const [batch, S, heads, dh] of [
      [2, 64, 4, 32],
      [3, 13, 3, 5],
      [1, 1, 2, 4],
    ] as const) {
      const qkv = [0, 1, 2].map(() => random([batch * S, heads * dh], 2));
      await expectAgree((q, k, v) => attention(q, k, v, batch, heads), qkv);
    }
  });

  it('mean softmax cross-entropy, the MLM loss', async () => {
    for (const classes of [8000, 50, 3]) {
      // Logits spread over ~±8: wider, the composite's own float32 error (~1e-5 of scale, against a float64
      // reference) dominates the comparison; the fused path stays at ~4e-6.
      const logits = random([21, classes], 2);
      const labels = tf.tensor1d(
        Int32Array.from({ length: 21 }, () => rng.int(classes)),
        'int32',
      );
      await expectAgree((z) => meanCrossEntropy(z, labels), [logits]);
    }
  });

  it('a fused loss turns NaN logits into a NaN loss (the loop stops on non-finite losses)', async () => {
    // NaN in the SIMD part of a row and in its scalar tail.
    const logits = tf.tensor2d([
      [0, NaN, 1, 2, 3, 4, 5, 6, 7],
      [1, 2, 3, 4, 5, 6, 7, 8, NaN],
    ]);
    for (const row of [0, 1]) {
      const loss = meanCrossEntropy(tf.slice(logits, [row, 0], [1, 9]), tf.tensor1d([0], 'int32'));
      expect(Number.isNaN((await loss.data())[0])).toBe(true);
    }
  });

  it('keeps the tensor count flat through forward and backward', async () => {
    const x = random([8, 16]),
      g = random([16]),
      b = random([16]);
    const labels = tf.tensor1d([1, 2, 3, 4, 5, 6, 7, 0], 'int32');
    const step = () =>
      tf.tidy(() => tf.grads((a: tf.Tensor) => meanCrossEntropy(gelu(layerNorm(a, g, b)), labels))([x]));
    tf.dispose(step());
    const before = tf.memory().numTensors;
    tf.dispose(step());
    expect(tf.memory().numTensors).toBe(before);
  });
});
