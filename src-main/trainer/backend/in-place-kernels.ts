// How the optimizer reaches the wasm backend's in-place kernels without importing the wasm folder: that
// folder loads its kernel module from a file (Node), and the optimizer also runs in the GPU renderer's
// browser bundle, where there are no files and no wasm backend. The wasm backend registers itself here
// when its kernels are installed; until then (and everywhere else) there are none.
import type { Tensor } from '../tf.js';

/** One variable's AdamW update in place (wasm heap or GPU buffers): grad null is a zero gradient. */
export interface VariableUpdate {
  param: Tensor;
  grad: Tensor | null;
  m: Tensor;
  v: Tensor;
  weightDecay: number;
  /** Bias corrections 1 - beta^t for this variable's own step count t. */
  bc1: number;
  bc2: number;
}

export interface AdamwHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
}

/** The wasm backend's optimizer kernels: each one call over every variable of a step, on every thread. */
export interface InPlaceKernels {
  /** Each tensor's sum of squares, in f64. */
  sumsOfSquares(tensors: readonly Tensor[]): number[];
  /** AdamW on every variable, gradients multiplied by gradScale (clipping). */
  adamw(updates: readonly VariableUpdate[], gradScale: number, hyper: AdamwHyper): void;
}

let current: () => InPlaceKernels | null = () => null;

export function provideInPlaceKernels(source: () => InPlaceKernels | null): void {
  current = source;
}

/** The wasm kernels for in-place work while the wasm backend is active, else null. */
export function inPlaceKernels(): InPlaceKernels | null {
  return current();
}
