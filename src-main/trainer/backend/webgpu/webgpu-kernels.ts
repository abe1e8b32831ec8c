// Our kernels for the webgpu backend, registered under the same fused-op names as the wasm ones
// (fused-common.ts): model/layers.ts dispatches to them through backend/fused-ops.ts and never names a
// backend. The in-place optimizer is in adamw-kernels.ts.
import { registerAttention } from './fused-attention.js';
import { registerDense } from './fused-dense.js';
import { registerLayerNorm } from './fused-norm.js';
import { registerPointwise } from './fused-pointwise.js';
import { registerSoftmaxXent } from './fused-xent.js';
import { registerSumLeadingAxes } from './sum-leading.js';

let installed = false;

export function installWebgpuKernels(): void {
  if (installed) return;
  installed = true;
  registerPointwise();
  registerLayerNorm();
  registerDense();
  registerSoftmaxXent();
  registerAttention();
  registerSumLeadingAxes();
}
