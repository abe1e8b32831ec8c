// The pure-JavaScript cpu backend is the last fallback. Its UnsortedSegmentSum (the gradient of tf.gather:
// embeddings, and the MLM loss's pick of each label's log-probability) builds a mask per segment, so its
// cost grows with segments x rows x width: 14 s of an 18 s step on a tiny model with 2000 tokens. This
// replacement is the obvious loop, O(rows x width), with the same semantics (ids out of range are dropped).
import { tf, type TensorInfo } from '../../tf.js';

type KernelFunc = tf.KernelConfig['kernelFunc'];

interface CpuBackend {
  readSync(dataId: object): ArrayLike<number>;
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

const unsortedSegmentSum: KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs.x as TensorInfo;
  const ids = inputs.segmentIds as TensorInfo;
  const { numSegments } = attrs as { numSegments: number };
  const cpu = backend as unknown as CpuBackend;
  const values = cpu.readSync(x.dataId);
  const segment = cpu.readSync(ids.dataId);
  const rows = ids.shape.reduce((a, b) => a * b, 1);
  const rest = x.shape.slice(ids.shape.length);
  const width = rest.reduce((a, b) => a * b, 1);
  const out = new Float32Array(numSegments * width);
  for (let r = 0; r < rows; r++) {
    const id = segment[r]!;
    if (id < 0 || id >= numSegments) continue;
    const from = r * width;
    const to = id * width;
    for (let j = 0; j < width; j++) out[to + j]! += values[from + j]!;
  }
  return cpu.makeTensorInfo([numSegments, ...rest], 'float32', out);
};

let installed = false;

/** Replaces the cpu backend's UnsortedSegmentSum (float32 values; anything else goes to the original). */
export function installCpuKernels(): void {
  if (installed) return;
  const original = tf.getKernel('UnsortedSegmentSum', 'cpu')?.kernelFunc;
  if (!original) return;
  installed = true;
  tf.unregisterKernel('UnsortedSegmentSum', 'cpu');
  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName: 'cpu',
    kernelFunc: (args) =>
      (args.inputs.x as TensorInfo).dtype === 'float32' ? unsortedSegmentSum(args) : original(args),
  });
}
