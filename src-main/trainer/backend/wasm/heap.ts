// Small helpers for kernels that work on the TensorFlow.js wasm heap directly.
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '../../tf.js';

/** Byte offset of a tensor's data in the shared heap. */
export function offset(backend: BackendWasm, t: TensorInfo): number {
  return backend.getMemoryOffset(t.dataId);
}

interface Allocator {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
}

/**
 * Runs `work` with `floats` floats of temporary heap memory, 16-byte aligned (v128 loads), taken from the
 * backend's own allocator so it can never overlap a tensor. Our wasm module allocates nothing itself.
 */
export function withScratch<T>(backend: BackendWasm, floats: number, work: (pointer: number) => T): T {
  const heap = backend.wasm as unknown as Allocator;
  const raw = heap._malloc(floats * 4 + 16) >>> 0;
  if (raw === 0) throw new Error(`out of wasm memory for ${floats * 4} bytes of kernel scratch`);
  try {
    return work((raw + 15) & ~15);
  } finally {
    heap._free(raw);
  }
}
