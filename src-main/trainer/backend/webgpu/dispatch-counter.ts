// Counts compute dispatches: tfjs's kernels and ours alike go through GPUComputePassEncoder's
// dispatchWorkgroups, so wrapping it once counts every kernel the GPU runs (benchmarks, tests).

let dispatches = 0;
let installed = false;

/** Starts counting (idempotent); false when this process has no WebGPU. */
export function countDispatches(): boolean {
  if (installed) return true;
  const encoder = (globalThis as { GPUComputePassEncoder?: { prototype: GPUComputePassEncoder } })
    .GPUComputePassEncoder;
  if (!encoder) return false;
  const original = encoder.prototype.dispatchWorkgroups;
  encoder.prototype.dispatchWorkgroups = function (this: GPUComputePassEncoder, ...args) {
    dispatches++;
    return original.apply(this, args);
  };
  installed = true;
  return true;
}

/** Dispatches recorded since counting started. */
export function dispatchCount(): number {
  return dispatches;
}
