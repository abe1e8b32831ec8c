// The RaPTr Studio wasm kernels. Built with `asc` into dist/kernels/raptr-kernels.wasm; they import the
// TensorFlow.js wasm backend's memory and work on its tensors in place (see backend/wasm/wasm-kernels.ts and
// backend/wasm/fused-kernels.ts).
export { gemm, gemmScratchFloats } from './matmul';
export { sumRows, segmentSumRows, gatherRows } from './reduce';
export { sumSquares, adamwUpdate } from './optim';
export { gelu, geluGrad } from './activation';
export { layerNorm, layerNormGrad } from './norm';
export { softmaxXent, softmaxXentGrad } from './xent';
export { addScaled } from './elementwise';
export { attention, attentionGrad, attentionScratchFloats } from './attention';
