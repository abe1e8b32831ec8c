// How the optimizer reaches the wasm backend's in-place kernels without importing the wasm folder: that
// folder loads its kernel module from a file (Node), and the optimizer also runs in the GPU renderer's
// browser bundle, where there are no files and no wasm backend. The wasm backend registers itself here
// when its kernels are installed; until then (and everywhere else) there are none.
import type { InPlaceKernels } from './wasm/wasm-kernels.js';

let current: () => InPlaceKernels | null = () => null;

export function provideInPlaceKernels(source: () => InPlaceKernels | null): void {
  current = source;
}

/** The wasm kernels for in-place work while the wasm backend is active, else null. */
export function inPlaceKernels(): InPlaceKernels | null {
  return current();
}
