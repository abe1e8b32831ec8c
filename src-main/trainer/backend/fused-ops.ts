// The fused ops model/layers.ts dispatches to, on whichever backend registered kernels for them (wasm/,
// webgpu/). Each computes what its composite in layers.ts computes, to float32 rounding
// (test/trainer/backend/fused-ops.test.ts); the model code never names a backend.
import { tf, type Tensor } from '../tf.js';
import { FUSED, runKernel as run } from './fused-common.js';
import { registerFusedGradients } from './fused-gradients.js';

registerFusedGradients();

let enabled = true;

/** Switches the fused path off or on, so tests and benchmarks can compare both paths on one backend. */
export function setFusedOps(on: boolean): void {
  enabled = on;
}

/** True when the current backend has a kernel for this fused op, and fusion is not switched off. */
export function fusedOpActive(op: keyof typeof FUSED): boolean {
  return enabled && tf.getKernel(FUSED[op], tf.getBackend()) !== undefined;
}

export function fusedGelu(x: Tensor): Tensor {
  return run(FUSED.gelu, { x }) as Tensor;
}

export function fusedLayerNorm(x: Tensor, gamma: Tensor, beta: Tensor, eps: number): Tensor {
  return run(FUSED.layerNorm, { x, gamma, beta }, { eps }) as Tensor;
}

/** Mean softmax cross-entropy of logits [rows, classes] against int32 labels [rows]. */
export function fusedSoftmaxCrossEntropy(logits: Tensor, labels: Tensor): Tensor {
  const [loss] = run(FUSED.softmaxXent, { logits, labels }) as Tensor[];
  return loss!;
}

export function fusedLinear(x: Tensor, w: Tensor, b: Tensor): Tensor {
  return run(FUSED.linear, { x, w, b }) as Tensor;
}

export function fusedResidual(y: Tensor, branch: Tensor, scale: number): Tensor {
  return run(FUSED.residual, { y, branch }, { scale }) as Tensor;
}

/** Multi-head attention core on projections [batch * S, d]: softmax(Q K^T / sqrt(dh)) V per head. */
export function fusedAttention(q: Tensor, k: Tensor, v: Tensor, batch: number, heads: number): Tensor {
  const [context] = run(FUSED.attention, { q, k, v }, { batch, heads }) as Tensor[];
  return context!;
}
