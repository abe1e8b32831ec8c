// The few layers both models are made of, as plain tf ops (every backend runs them; on wasm the slow
// kernels underneath are replaced by ours, see backend/wasm/wasm-kernels.ts). Where the backend has a
// fused kernel for a layer (wasm, webgpu: backend/fused-ops.ts), the layer runs as that one kernel, which
// computes the same math as the tf ops below.
import {
  fusedGelu,
  fusedAttention,
  fusedLayerNorm,
  fusedLinear,
  fusedOpActive,
  fusedResidual,
  fusedSoftmaxCrossEntropy,
} from '../backend/fused-ops.js';
import { tf, type Tensor } from '../tf.js';

/** BERT's LayerNorm epsilon; the exported Hugging Face config says the same. */
export const LAYER_NORM_EPS = 1e-12;

/** LayerNorm over the last axis. */
export function layerNorm(x: Tensor, gamma: Tensor, beta: Tensor, eps = LAYER_NORM_EPS): Tensor {
  if (fusedOpActive('layerNorm')) return fusedLayerNorm(x, gamma, beta, eps);
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    const normalized = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)));
    return tf.add(tf.mul(normalized, gamma), beta);
  });
}

const GELU_C = 2 * Math.sqrt(2 / Math.PI);

/**
 * GELU, tanh approximation (Hugging Face "gelu_new"), written as x * sigmoid(2c(x + 0.044715 x^3)):
 * the same function as 0.5 x (1 + tanh(c(...))), but sigmoid is one fast XNNPACK op on wasm where tanh
 * and pow are slow, and x^3 as x*x*x avoids pow's gradient (ENGINE-NOTES.md).
 */
export function gelu(x: Tensor): Tensor {
  if (fusedOpActive('gelu')) return fusedGelu(x);
  return tf.tidy(() => {
    const cube = tf.mul(tf.mul(x, x), x);
    const inner = tf.mul(tf.add(x, tf.mul(cube, 0.044715)), GELU_C);
    return tf.mul(x, tf.sigmoid(inner));
  });
}

/**
 * The exact GELU, 0.5 x (1 + erf(x / sqrt 2)). Only the MLM head of pre-LN models uses it: they export as
 * Hugging Face's RobertaPreLayerNormForMaskedLM, whose head hard-codes this GELU, so training with it makes
 * the exported model compute exactly what was trained. (A few hundred rows per step: no fused kernel.)
 */
export function geluErf(x: Tensor): Tensor {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1)));
}

/** x @ w + b for x [N, in], w [in, out]. */
export function linear(x: Tensor, w: Tensor, b?: Tensor): Tensor {
  if (b && fusedOpActive('linear')) return fusedLinear(x, w, b);
  return b ? tf.add(tf.matMul(x, w), b) : tf.matMul(x, w);
}

/** y + a * branch; a = 1 (full model, evaluation) costs no extra op. */
export function residual(y: Tensor, branch: Tensor, scale: number): Tensor {
  if (fusedOpActive('residual')) return fusedResidual(y, branch, scale);
  return scale === 1 ? tf.add(y, branch) : tf.add(y, tf.mul(branch, scale));
}

/**
 * Multi-head scaled dot-product attention on projections q, k, v [batch * S, d]: per sequence and head,
 * softmax(Q K^T / sqrt(dh) + keyBias) V, returned as [batch * S, d]. keyBias (-1e9 at padding keys,
 * broadcast over heads and queries) is null for packed training windows.
 */
export function attention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  batch: number,
  heads: number,
  keyBias: Tensor | null = null,
): Tensor {
  if (!keyBias && fusedOpActive('attention')) return fusedAttention(q, k, v, batch, heads);
  const [rows, d] = q.shape as [number, number];
  const S = rows / batch;
  const dh = d / heads;
  const split = (t: Tensor) => tf.transpose(tf.reshape(t, [batch, S, heads, dh]), [0, 2, 1, 3]);
  const scaled = tf.mul(tf.matMul(split(q), split(k), false, true), 1 / Math.sqrt(dh));
  const weights = tf.softmax(keyBias ? tf.add(scaled, keyBias) : scaled);
  const context = tf.matMul(weights, split(v));
  return tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [rows, d]);
}

/** Mean over rows of -log softmax(logits)[label], for logits [rows, classes] and int32 labels [rows]. */
export function meanCrossEntropy(logits: Tensor, labels: Tensor): Tensor {
  if (fusedOpActive('softmaxXent')) return fusedSoftmaxCrossEntropy(logits, labels);
  return tf.tidy(() => {
    const [rows, classes] = logits.shape as [number, number];
    const logProbs = tf.reshape(tf.logSoftmax(logits), [-1]);
    const picks = tf.add(tf.mul(tf.range(0, rows, 1, 'int32'), tf.scalar(classes, 'int32')), labels);
    return tf.neg(tf.mean(tf.gather(logProbs, picks)));
  });
}
