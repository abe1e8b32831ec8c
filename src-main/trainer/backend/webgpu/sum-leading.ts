// tf.sum over leading axes (every bias gradient: sum of dy over rows) in one dispatch. tfjs-webgpu
// reduces only over the last axis, so it transposes first: two dispatches and a copy of dy per bias.
// Other sums go to tfjs's own kernel.
import { tf, type TensorInfo } from '../../tf.js';
import { size } from '../fused-common.js';
import { dispatch, MAIN, makeOutput, webgpuBackend, type GpuKernel } from './gpu-kernel.js';

/** out[c] = sum over rows of x[r, c]: 64 columns x 4 row lanes per workgroup. */
const columnSums: GpuKernel = {
  name: 'raptr-column-sums',
  inputs: ['x: f32'],
  outputs: ['out: f32'],
  params: ['rows: u32', 'cols: u32'],
  workgroupSize: 256,
  body: `
var<workgroup> part: array<f32, 256>;
${MAIN}
  let col = group * 64u + lid % 64u;
  let lane = lid / 64u;
  var s = 0.0;
  if (col < p.cols) {
    for (var r = lane; r < p.rows; r += 4u) { s += x[r * p.cols + col]; }
  }
  part[lid] = s;
  workgroupBarrier();
  if (lane == 0u && col < p.cols) {
    out[col] = part[lid] + part[lid + 64u] + part[lid + 128u] + part[lid + 192u];
  }
}`,
};

type KernelFunc = tf.KernelConfig['kernelFunc'];

/** The leading axes reduced, or null when `axis` is not a leading run of a rank >= 2 tensor. */
function leadingAxes(shape: readonly number[], axis: number | number[]): number | null {
  const rank = shape.length;
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort(
    (p, q) => p - q,
  );
  const leading = rank >= 2 && axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
  return leading ? axes.length : null;
}

export function registerSumLeadingAxes(): void {
  const original = tf.getKernel('Sum', 'webgpu')?.kernelFunc;
  if (!original) throw new Error('tfjs-backend-webgpu has no Sum kernel');
  const sum: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const reduced = x.dtype === 'float32' ? leadingAxes(x.shape, axis) : null;
    if (reduced === null) return original(args);
    const b = webgpuBackend(args.backend);
    const kept = x.shape.slice(reduced);
    const out = makeOutput(b, keepDims ? [...x.shape.slice(0, reduced).map(() => 1), ...kept] : kept);
    const [rows, cols] = [size(x.shape.slice(0, reduced)), size(kept)];
    dispatch(b, columnSums, [x], [out], [rows, cols], Math.ceil(cols / 64));
    return out;
  };
  tf.unregisterKernel('Sum', 'webgpu');
  tf.registerKernel({ kernelName: 'Sum', backendName: 'webgpu', kernelFunc: sum });
}
