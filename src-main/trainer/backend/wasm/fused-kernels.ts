// Fused kernels for the wasm backend, registered under our own names with their gradients, so tfjs's
// autodiff drives them like any op. One pass each replaces several tensor ops of the composite layers in
// model/layers.ts and, with them, most of the copies tfjs makes of the tensors it saves for the backward
// pass (every saved tensor is an Identity copy on wasm: tf.add alone keeps copies of both inputs).
// The ops that dispatch here are in fused-ops.ts.
import { registerAttention } from './fused-attention.js';
import { registerDense } from './fused-dense.js';
import { registerLayerNorm } from './fused-norm.js';
import { registerPointwise } from './fused-pointwise.js';
import type { KernelRunner } from './kernel-runner.js';

export { FUSED } from '../fused-common.js';

let registered = false;

export function registerFusedKernels(kernels: KernelRunner): void {
  if (registered) return;
  registered = true;
  registerPointwise(kernels);
  registerLayerNorm(kernels);
  registerDense(kernels);
  registerAttention(kernels);
}
