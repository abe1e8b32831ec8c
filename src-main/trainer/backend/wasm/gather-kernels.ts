// tf.gather on the first axis (embedding lookups) and its gradient, UnsortedSegmentSum, for the wasm backend.
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { size } from '../fused-common.js';
import type { tf, TensorInfo } from '../../tf.js';
import { offset } from './heap.js';
import type { KernelRunner } from './kernel-runner.js';

type KernelArgs = Parameters<tf.KernelConfig['kernelFunc']>[0];

/** Rows of a float32 table by int32 ids (axis 0, no batch dims); null hands other gathers back to tfjs. */
export function gatherRows(kernels: KernelRunner, { inputs, backend, attrs }: KernelArgs): TensorInfo | null {
  const x = inputs.x as TensorInfo;
  const ids = inputs.indices as TensorInfo;
  const { axis, batchDims } = attrs as { axis: number; batchDims: number };
  if (x.dtype !== 'float32' || ids.dtype !== 'int32' || axis !== 0 || batchDims !== 0 || x.shape.length < 1)
    return null;
  const wasm = backend as BackendWasm;
  const rows = x.shape[0]!;
  const values = wasm.typedArrayFromHeap(ids);
  // The same check, and message, as tfjs's own kernel: a bad id must not read outside the table.
  for (const id of values)
    if (id < 0 || id >= rows) throw new Error(`GatherV2: the index value ${id} is not in [0, ${rows - 1}]`);
  const width = size(x.shape.slice(1));
  // makeOutput may grow the heap, which detaches `values`: count the ids from the shape.
  const out = wasm.makeOutput([...ids.shape, ...x.shape.slice(1)], 'float32');
  const count = size(ids.shape);
  kernels.run(
    'gatherRows',
    [offset(wasm, x), offset(wasm, ids), offset(wasm, out), count, width],
    kernels.parts(count * width),
  );
  return out;
}

/** out[ids[i]] += x[i], rows of the trailing dims; the gradient of tf.gather. */
export function unsortedSegmentSum(
  kernels: KernelRunner,
  { inputs, backend, attrs }: KernelArgs,
): TensorInfo {
  const x = inputs.x as TensorInfo;
  const ids = inputs.segmentIds as TensorInfo;
  const { numSegments } = attrs as { numSegments: number };
  if (x.dtype !== 'float32' || ids.dtype !== 'int32')
    throw new Error(
      `unsortedSegmentSum on wasm supports float32 values and int32 ids (got ${x.dtype}, ${ids.dtype})`,
    );
  const wasm = backend as BackendWasm;
  const rows = size(ids.shape);
  const rest = x.shape.slice(ids.shape.length);
  const out = wasm.makeOutput([numSegments, ...rest], 'float32');
  const width = size(rest);
  // Zeroing the whole table is most of the work for an embedding's gradient (8000 x 128 for 1024 rows).
  kernels.run(
    'segmentSumRows',
    [offset(wasm, x), offset(wasm, ids), offset(wasm, out), rows, width, numSegments],
    kernels.parts((rows + numSegments) * width),
  );
  return out;
}
