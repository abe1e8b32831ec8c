// The RaPTr Studio wasm kernels. Built with `asc` into dist/kernels/raptr-kernels.wasm; they import the
// TensorFlow.js wasm backend's memory and work on its tensors in place (see backend/wasm-kernels.ts).
export { gemm, gemmScratchFloats } from './matmul';
export { sumRows, segmentSumRows } from './reduce';
export { sumSquares, adamwUpdate } from './optim';
