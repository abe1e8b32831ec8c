// Replaces the TensorFlow.js wasm kernels that are slow for training (or missing) with our SIMD kernels,
// through tfjs's public kernel registry. Model code stays plain tf ops and runs unchanged on every backend.
//
// Measured on this machine (ENGINE-NOTES.md and bench): tfjs-wasm's BatchMatMul reaches ~2 GFLOP/s for the
// batched (attention) and transposed (gradient) forms and Sum over axis 0 is ~25x slower than over the last
// axis; UnsortedSegmentSum, the gradient of tf.gather, does not exist for wasm at all, and its GatherV2
// took ~9 ms to look up 1024 embedding rows. Its Identity copies the tensor, and tfjs runs Identity for
// every tensor it saves for the backward pass (4-5% of a BERT-mini step); here it shares the data, as the
// cpu backend's does; so does a Transpose that leaves the memory order as it is (tf.gather's gradient
// makes one of the whole embedding table, a 4 MB copy, every step). Its Add (XNNPACK, one thread) sums
// the gradients of every tensor used twice, ~50 a step, and adds the MLM head's bias to its [predicted,
// vocab] logits; float32 adds of one shape, or of a row vector to every row, run on our threads instead.
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { size } from '../fused-common.js';
import { provideInPlaceKernels, type InPlaceKernels } from '../in-place-kernels.js';
import { tf, type TensorInfo } from '../../tf.js';
import { registerFusedKernels } from './fused-kernels.js';
import { gatherRows, unsortedSegmentSum } from './gather-kernels.js';
import { offset, withScratch } from './heap.js';
import { compileKernels, instantiateKernels } from './kernel-module.js';
import { KernelRunner } from './kernel-runner.js';
import { wasmOptimizerKernels } from './optimizer-kernels.js';

type KernelFunc = tf.KernelConfig['kernelFunc'];
type KernelArgs = Parameters<KernelFunc>[0];

const OVERRIDDEN = [
  'BatchMatMul',
  'Sum',
  'UnsortedSegmentSum',
  'GatherV2',
  'Identity',
  'Transpose',
  'Add',
] as const;

let installed: KernelRunner | null = null;
let installedRelaxed = false;

export function wasmKernelsInstalled(): boolean {
  return installed !== null;
}

export function inPlaceKernels(): InPlaceKernels | null {
  if (!installed || tf.getBackend() !== 'wasm') return null;
  return wasmOptimizerKernels(installed, tf.backend() as BackendWasm);
}

/** The installed kernels' runner (threads, worker count), or null before installWasmKernels. */
export function wasmKernelRunner(): KernelRunner | null {
  return installed;
}

export interface KernelInstall {
  /** Relaxed SIMD: the GEMM multiplies and adds in one fused instruction. */
  relaxed: boolean;
  /** tfjs's heap is shared memory, so the kernels can use threads. */
  shared: boolean;
}

/**
 * Installs the kernels on the wasm backend (relaxed SIMD when `relaxed` and the runtime has it); returns
 * null (and changes nothing) when that is not possible. Installing twice keeps the first install.
 */
export function installWasmKernels(options: { relaxed: boolean }): KernelInstall | null {
  const backend = tf.findBackend('wasm') as BackendWasm | null;
  const memory = (backend?.wasm as unknown as { asm?: { memory?: WebAssembly.Memory } } | undefined)?.asm
    ?.memory;
  if (!backend || !(memory instanceof WebAssembly.Memory)) return null;
  // A second install would wrap our own kernels as the "originals" to fall back to.
  if (installed) return { relaxed: installedRelaxed, shared: installed.shared };
  const shared = memory.buffer instanceof SharedArrayBuffer;
  const module = compileKernels({ relaxed: options.relaxed, shared });
  const kernels = new KernelRunner(instantiateKernels(module, memory), module, memory, shared);
  installed = kernels;
  installedRelaxed = options.relaxed;
  provideInPlaceKernels(inPlaceKernels);
  const originals = new Map(OVERRIDDEN.map((name) => [name, tf.getKernel(name, 'wasm')?.kernelFunc]));
  const replacements: Record<(typeof OVERRIDDEN)[number], KernelFunc> = {
    BatchMatMul: (args) => batchMatMul(kernels, args) ?? originals.get('BatchMatMul')!(args),
    Sum: (args) => sumLeadingAxes(kernels, args) ?? originals.get('Sum')!(args),
    UnsortedSegmentSum: (args) => unsortedSegmentSum(kernels, args),
    GatherV2: (args) => gatherRows(kernels, args) ?? originals.get('GatherV2')!(args),
    Identity: (args) => sharedIdentity(args) ?? originals.get('Identity')!(args),
    Transpose: (args) => sharedTranspose(args) ?? originals.get('Transpose')!(args),
    Add: (args) => addFloat32(kernels, args) ?? originals.get('Add')!(args),
  };
  for (const name of OVERRIDDEN) {
    if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: replacements[name] });
  }
  registerFusedKernels(kernels);
  return { relaxed: options.relaxed, shared };
}

/**
 * A second reference to the same data. Safe because nothing writes a tensor in place except the optimizer,
 * and only into variables, which own their data alone (model/params.ts copies every value it assigns).
 */
function sharedIdentity({ inputs, backend }: KernelArgs): TensorInfo | null {
  const x = inputs.x as TensorInfo;
  if (x.dtype === 'string') return null;
  (backend as BackendWasm).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/**
 * A transpose that moves only dimensions of size 1 (or none, as tf.gather's gradient does) keeps every
 * element where it is: the same data under the new shape, shared as sharedIdentity shares it.
 */
function sharedTranspose({ inputs, backend, attrs }: KernelArgs): TensorInfo | null {
  const x = inputs.x as TensorInfo;
  const { perm } = attrs as { perm: number[] };
  if (x.dtype === 'string') return null;
  const moved = perm.filter((axis) => x.shape[axis] !== 1);
  if (moved.some((axis, i) => i > 0 && axis < moved[i - 1]!)) return null;
  (backend as BackendWasm).incRef(x.dataId);
  return { dataId: x.dataId, shape: perm.map((axis) => x.shape[axis]!), dtype: x.dtype };
}

/**
 * a + b for float32 tensors of one shape, or with one of them a row vector [n] (or [1, ..., n]) added to
 * every row of the other: the same IEEE sums XNNPACK makes, on threads.
 */
function addFloat32(kernels: KernelRunner, { inputs, backend }: KernelArgs): TensorInfo | null {
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const wasm = backend as BackendWasm;
  if (a.shape.join() === b.shape.join()) {
    const out = wasm.makeOutput(a.shape, 'float32');
    const n = size(a.shape);
    // Two reads and a write per element: weigh it as two operations.
    kernels.run(
      'addScaled',
      [offset(wasm, a), offset(wasm, b), offset(wasm, out), n, 1],
      kernels.parts(2 * n),
    );
    return out;
  }
  const [x, row] = size(a.shape) >= size(b.shape) ? [a, b] : [b, a];
  const cols = x.shape.at(-1) ?? 0;
  const isRow = row.shape.length <= x.shape.length && row.shape.at(-1) === cols && size(row.shape) === cols;
  if (!isRow || x.shape.length < 1 || cols === 0) return null;
  const out = wasm.makeOutput(x.shape, 'float32');
  const rows = size(x.shape) / cols;
  const at = (t: TensorInfo) => offset(wasm, t);
  kernels.run('addRowVector', [at(x), at(row), at(out), rows, cols], kernels.parts(2 * rows * cols));
  return out;
}

/** float32 matMul, any transposes, broadcast batch dims; null hands other dtypes back to tfjs. */
function batchMatMul(kernels: KernelRunner, { inputs, backend, attrs }: KernelArgs): TensorInfo | null {
  const a = inputs.a as TensorInfo;
  const b = inputs.b as TensorInfo;
  const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const wasm = backend as BackendWasm;
  const ar = a.shape.length,
    br = b.shape.length;
  const M = transposeA ? a.shape[ar - 1]! : a.shape[ar - 2]!;
  const K = transposeA ? a.shape[ar - 2]! : a.shape[ar - 1]!;
  const N = transposeB ? b.shape[br - 2]! : b.shape[br - 1]!;
  const kOfB = transposeB ? b.shape[br - 1]! : b.shape[br - 2]!;
  if (K !== kOfB)
    throw new Error(`matMul: inner dimensions ${K} and ${kOfB} differ (shapes ${a.shape} and ${b.shape})`);
  const aBatch = a.shape.slice(0, -2),
    bBatch = b.shape.slice(0, -2);
  const outBatch = tf.broadcast_util.assertAndGetBroadcastShape(aBatch, bBatch);
  const out = wasm.makeOutput([...outBatch, M, N], 'float32');
  const batches = size(outBatch);
  if (batches === 0 || M === 0 || N === 0) return out;
  const pa = offset(wasm, a),
    pb = offset(wasm, b),
    pc = offset(wasm, out);
  const aIndex = batchIndexer(aBatch, outBatch),
    bIndex = batchIndexer(bBatch, outBatch);
  // Element strides of A(i, k) and B(k, j): a transposed operand is the same memory read the other way.
  const [aRow, aCol] = transposeA ? [1, M] : [K, 1];
  const [bRow, bCol] = transposeB ? [1, K] : [N, 1];
  const parts = kernels.parts(M * N * K);
  withScratch(wasm, kernels.kernels.gemmScratchFloats(M, N, parts), (scratch) => {
    for (let t = 0; t < batches; t++) {
      const A = pa + 4 * aIndex(t) * M * K;
      const B = pb + 4 * bIndex(t) * K * N;
      const C = pc + 4 * t * M * N;
      kernels.run('gemm', [A, aRow, aCol, B, bRow, bCol, C, N, M, N, K, 1, false, 0, scratch], parts);
    }
  });
  return out;
}

/** Maps a flat index over the broadcast batch shape to the flat batch index of one operand. */
function batchIndexer(shape: readonly number[], outShape: readonly number[]): (t: number) => number {
  if (size(shape) === size(outShape)) return (t) => t;
  if (size(shape) === 1) return () => 0;
  const padded = [...new Array<number>(outShape.length - shape.length).fill(1), ...shape];
  return (t) => {
    let index = 0,
      stride = 1,
      rest = t;
    for (let d = outShape.length - 1; d >= 0; d--) {
      const coord = rest % outShape[d]!;
      rest = Math.floor(rest / outShape[d]!);
      if (padded[d] !== 1) index += coord * stride;
      stride *= padded[d]!;
    }
    return index;
  };
}

/** tf.sum over leading axes (bias and LayerNorm-gain gradients); null hands every other case back. */
function sumLeadingAxes(kernels: KernelRunner, { inputs, backend, attrs }: KernelArgs): TensorInfo | null {
  const x = inputs.x as TensorInfo;
  const { axis, keepDims } = attrs as { axis: number | number[]; keepDims: boolean };
  if (x.dtype !== 'float32' || x.shape.length < 2) return null;
  const rank = x.shape.length;
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort(
    (p, q) => p - q,
  );
  const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
  if (!leading) return null;
  const wasm = backend as BackendWasm;
  const kept = x.shape.slice(axes.length);
  const outShape = keepDims ? [...axes.map(() => 1), ...kept] : kept;
  const out = wasm.makeOutput(outShape, 'float32');
  const rows = size(x.shape.slice(0, axes.length)),
    cols = size(kept);
  // A read and an add per element, like Add's weight.
  kernels.run('sumRows', [offset(wasm, x), offset(wasm, out), rows, cols], kernels.parts(2 * rows * cols));
  return out;
}
