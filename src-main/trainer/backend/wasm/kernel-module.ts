// Loads the RaPTr SIMD kernels (built by scripts/build-kernels.mjs from ../kernels/assembly) into the
// TensorFlow.js wasm backend's memory, so they read and write tfjs tensors where they lie.
import { readFileSync } from 'node:fs';
import { findBuiltFile } from '../../../built-file.js';

/** The functions src-main/trainer/kernels/assembly/index.ts exports; pointers are byte offsets. */
export interface RaptrKernels {
  /** C = alpha A B [+ C] [+ bias] with A(i,k) = A[i*aRow + k*aCol], B(k,j) = B[k*bRow + j*bCol]. */
  gemm(
    a: number,
    aRow: number,
    aCol: number,
    b: number,
    bRow: number,
    bCol: number,
    c: number,
    ldc: number,
    M: number,
    N: number,
    K: number,
    alpha: number,
    accumulate: boolean,
    bias: number,
    scratch: number,
  ): void;
  /** Floats of scratch gemm needs for N output columns. */
  gemmScratchFloats(N: number): number;
  sumRows(x: number, out: number, rows: number, cols: number): void;
  gatherRows(x: number, ids: number, out: number, rows: number, width: number): void;
  gelu(x: number, y: number, n: number): void;
  addScaled(y: number, branch: number, out: number, n: number, scale: number): void;
  attention(
    q: number,
    k: number,
    v: number,
    context: number,
    probs: number,
    B: number,
    S: number,
    H: number,
    dh: number,
    scale: number,
    scratch: number,
  ): void;
  attentionGrad(
    q: number,
    k: number,
    v: number,
    probs: number,
    dcontext: number,
    dq: number,
    dk: number,
    dv: number,
    B: number,
    S: number,
    H: number,
    dh: number,
    scale: number,
    scratch: number,
  ): void;
  attentionScratchFloats(S: number, gemmFloats: number): number;
  geluGrad(x: number, dy: number, dx: number, n: number): void;
  layerNorm(x: number, gamma: number, beta: number, y: number, rows: number, cols: number, eps: number): void;
  layerNormGrad(
    x: number,
    gamma: number,
    dy: number,
    dx: number,
    dgamma: number,
    dbeta: number,
    rows: number,
    cols: number,
    eps: number,
  ): void;
  /** Fills stats [rows, 2] (row max, log-sum-exp of x - max); returns the mean loss. */
  softmaxXent(logits: number, labels: number, stats: number, rows: number, cols: number): number;
  softmaxXentGrad(
    logits: number,
    labels: number,
    stats: number,
    dlogits: number,
    rows: number,
    cols: number,
    scale: number,
  ): void;
  segmentSumRows(x: number, ids: number, out: number, rows: number, width: number, segments: number): void;
  sumSquares(x: number, n: number): number;
  adamwUpdate(
    p: number,
    grad: number,
    m: number,
    v: number,
    n: number,
    lr: number,
    b1: number,
    b2: number,
    eps: number,
    wd: number,
    bc1: number,
    bc2: number,
    gradScale: number,
  ): void;
}

/** dist/kernels/raptr-kernels.wasm, found from the compiled module (dist/...) or from the sources (tests). */
export function kernelWasmPath(): string {
  return findBuiltFile('the SIMD kernel module', import.meta.url, [
    '../../../../kernels/raptr-kernels.wasm',
    '../../../../dist/kernels/raptr-kernels.wasm',
  ]);
}

export function instantiateKernels(memory: WebAssembly.Memory): RaptrKernels {
  const module = new WebAssembly.Module(readFileSync(kernelWasmPath()));
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return instance.exports as unknown as RaptrKernels;
}
