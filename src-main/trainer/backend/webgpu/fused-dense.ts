// The dense layer x @ w + b as one dispatch: tfjs-webgpu's own tiled matMul with the bias added in its
// epilogue (_FusedMatMul), registered under our fused name so its gradient is ours (fused-gradients.ts:
// plain matMuls and a sum, each only when tfjs asks for it).
import { tf, type TensorInfo } from '../../tf.js';
import { FUSED, float32, registerAll, rowsOf, size } from '../fused-common.js';
import { webgpuBackend } from './gpu-kernel.js';

export function registerDense(): void {
  const fusedMatMul = tf.getKernel('_FusedMatMul', 'webgpu')?.kernelFunc;
  const reshape = tf.getKernel('Reshape', 'webgpu')?.kernelFunc;
  if (!fusedMatMul || !reshape) throw new Error('tfjs-backend-webgpu has no _FusedMatMul or Reshape kernel');
  registerAll('webgpu', {
    [FUSED.linear]: ({ inputs, backend }) => {
      const { x, w, b } = inputs as { x: TensorInfo; w: TensorInfo; b: TensorInfo };
      float32(FUSED.linear, x, w, b);
      const [K, N] = w.shape as [number, number];
      const M = rowsOf(FUSED.linear, x, K);
      if (w.shape.length !== 2 || size(b.shape) !== N)
        throw new Error(`${FUSED.linear}: wants w [in, out] and b [out], got ${w.shape} and ${b.shape}`);
      const flat =
        x.shape.length === 2
          ? x
          : (reshape({ inputs: { x }, backend, attrs: { shape: [M, K] } }) as TensorInfo);
      const y = fusedMatMul({
        inputs: { a: flat, b: w, bias: b },
        backend,
        attrs: { transposeA: false, transposeB: false, activation: 'linear', leakyreluAlpha: 0 },
      }) as TensorInfo;
      const release = (t: TensorInfo) => webgpuBackend(backend).disposeData(t.dataId);
      if (flat !== x) release(flat);
      if (x.shape.length === 2) return y;
      const shaped = reshape({ inputs: { x: y }, backend, attrs: { shape: [...x.shape.slice(0, -1), N] } });
      release(y);
      return shaped as TensorInfo;
    },
  });
}
