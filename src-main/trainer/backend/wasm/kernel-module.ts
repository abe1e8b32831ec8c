// Loads the RaPTr SIMD kernels (built by scripts/build-kernels.mjs from ../kernels/assembly) into the
// TensorFlow.js wasm backend's memory, so they read and write tfjs tensors where they lie.
import { readFileSync } from 'node:fs';
import { findBuiltFile } from '../../../built-file.js';

/**
 * The functions src-main/trainer/kernels/assembly/index.ts exports; pointers are byte offsets. Those ending
 * in (part, parts) compute part `part` of `parts` of their output (see ParallelKernel); (0, 1) is all of it.
 */
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
    part: number,
    parts: number,
  ): void;
  /** Floats of scratch gemm needs for an M x N product in `parts` parts. */
  gemmScratchFloats(M: number, N: number, parts: number): number;
  sumRows(x: number, out: number, rows: number, cols: number, part: number, parts: number): void;
  gatherRows(
    x: number,
    ids: number,
    out: number,
    rows: number,
    width: number,
    part: number,
    parts: number,
  ): void;
  gelu(x: number, y: number, n: number, part: number, parts: number): void;
  addScaled(
    y: number,
    branch: number,
    out: number,
    n: number,
    scale: number,
    part: number,
    parts: number,
  ): void;
  addRowVector(
    x: number,
    row: number,
    out: number,
    rows: number,
    cols: number,
    part: number,
    parts: number,
  ): void;
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
    part: number,
    parts: number,
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
    part: number,
    parts: number,
  ): void;
  /** Floats of scratch attention and attentionGrad need for `parts` parts. */
  attentionScratchFloats(S: number, dh: number, parts: number): number;
  geluGrad(x: number, dy: number, dx: number, n: number, part: number, parts: number): void;
  layerNorm(
    x: number,
    gamma: number,
    beta: number,
    y: number,
    rows: number,
    cols: number,
    eps: number,
    part: number,
    parts: number,
  ): void;
  /** dx, and each row's mean and 1/std into stats [rows, 2] for layerNormGradParams. */
  layerNormGradRows(
    x: number,
    gamma: number,
    dy: number,
    dx: number,
    stats: number,
    rows: number,
    cols: number,
    eps: number,
    part: number,
    parts: number,
  ): void;
  layerNormGradParams(
    x: number,
    dy: number,
    stats: number,
    dgamma: number,
    dbeta: number,
    rows: number,
    cols: number,
    part: number,
    parts: number,
  ): void;
  /** Fills stats [rows, 2] (row max, log-sum-exp of x - max). */
  softmaxXent(
    logits: number,
    labels: number,
    stats: number,
    rows: number,
    cols: number,
    part: number,
    parts: number,
  ): void;
  /** The mean loss from softmaxXent's stats (one thread, rows in order). */
  xentMeanLoss(logits: number, labels: number, stats: number, rows: number, cols: number): number;
  softmaxXentGrad(
    logits: number,
    labels: number,
    stats: number,
    dlogits: number,
    rows: number,
    cols: number,
    scale: number,
    part: number,
    parts: number,
  ): void;
  segmentSumRows(
    x: number,
    ids: number,
    out: number,
    rows: number,
    width: number,
    segments: number,
    part: number,
    parts: number,
  ): void;
  /** Each table entry's sum of squares (f64) into out; table: (pointer, length) per tensor, i32 each. */
  sumSquaresAll(table: number, count: number, out: number, part: number, parts: number): void;
  /** AdamW on every variable of the table (see kernels/assembly/optim.ts for its layout). */
  adamwAll(
    table: number,
    count: number,
    lr: number,
    b1: number,
    b2: number,
    eps: number,
    gradScale: number,
    part: number,
    parts: number,
  ): void;
}

/** The kernels that split their work between threads; the order is their index in the worker protocol. */
export const PARALLEL_KERNELS = [
  'gemm',
  'sumRows',
  'gatherRows',
  'gelu',
  'geluGrad',
  'addScaled',
  'addRowVector',
  'attention',
  'attentionGrad',
  'layerNorm',
  'layerNormGradRows',
  'layerNormGradParams',
  'softmaxXent',
  'softmaxXentGrad',
  'segmentSumRows',
  'sumSquaresAll',
  'adamwAll',
] as const satisfies ReadonlyArray<keyof RaptrKernels>;

export type ParallelKernel = (typeof PARALLEL_KERNELS)[number];

/** A parallel kernel's arguments without its trailing (part, parts). */
export type PartArgs<K extends ParallelKernel> =
  Parameters<RaptrKernels[K]> extends [...infer Args, number, number] ? Args : never;

/** Which build of the kernels: relaxed SIMD (fused multiply-add) or not, on shared memory (threads) or not. */
export interface KernelBuild {
  relaxed: boolean;
  shared: boolean;
}

/** dist/kernels/raptr-kernels*.wasm, found from the compiled module (dist/...) or from the sources (tests). */
export function kernelWasmPath(build: KernelBuild): string {
  const file = `raptr-kernels${build.shared ? '-shared' : ''}${build.relaxed ? '-relaxed' : ''}.wasm`;
  return findBuiltFile('the SIMD kernel module', import.meta.url, [
    `../../../../kernels/${file}`,
    `../../../../dist/kernels/${file}`,
  ]);
}

/** The compiled module: instantiated here on tfjs's memory, and sent to the worker threads to do the same. */
export function compileKernels(build: KernelBuild): WebAssembly.Module {
  return new WebAssembly.Module(readFileSync(kernelWasmPath(build)));
}

export function instantiateKernels(module: WebAssembly.Module, memory: WebAssembly.Memory): RaptrKernels {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return instance.exports as unknown as RaptrKernels;
}
