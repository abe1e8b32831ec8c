// The RaPTr Studio wasm kernels. Built with `asc` into dist/kernels/raptr-kernels*.wasm (scripts/build-kernels.mjs:
// with or without relaxed SIMD, on private or shared memory); they import the TensorFlow.js wasm backend's
// memory and work on its tensors in place (see backend/wasm/wasm-kernels.ts and backend/wasm/fused-kernels.ts).
// Kernels that take (part, parts) compute one part of their output (parts.ts); threads run the other parts.
export { gemm, gemmScratchFloats } from './matmul';
export { sumRows, segmentSumRows, gatherRows } from './reduce';
export { sumSquaresAll, adamwAll } from './optim';
export { gelu, geluGrad } from './activation';
export { layerNorm, layerNormGradRows, layerNormGradParams } from './norm';
export { softmaxXent, softmaxXentGrad, xentMeanLoss } from './xent';
export { addScaled, addRowVector } from './elementwise';
export { attention, attentionGrad, attentionScratchFloats } from './attention';
