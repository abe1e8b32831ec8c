// Fused LayerNorm and row softmax (attention) kernels with their gradients.
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf, type Tensor, type TensorInfo } from '../tf.js';
import { FUSED, float32, registerAll, rowsOf, runKernel } from './fused-common.js';
import { offset, size } from './heap.js';
import type { RaptrKernels } from './kernel-module.js';

export function registerNorms(k: RaptrKernels): void {
  registerAll({
    [FUSED.layerNorm]: ({ inputs, backend, attrs }) => {
      const { x, gamma, beta } = inputs as { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
      float32(FUSED.layerNorm, x, gamma, beta);
      const cols = size(gamma.shape);
      const rows = rowsOf(FUSED.layerNorm, x, cols);
      if (size(beta.shape) !== cols) throw new Error(`${FUSED.layerNorm}: gamma and beta sizes differ`);
      const wasm = backend as BackendWasm;
      const y = wasm.makeOutput(x.shape, 'float32');
      const { eps } = attrs as { eps: number };
      const at = (t: TensorInfo) => offset(wasm, t);
      k.layerNorm(at(x), at(gamma), at(beta), at(y), rows, cols, eps);
      return y;
    },
    [FUSED.layerNormGrad]: ({ inputs, backend, attrs }) => {
      const { x, gamma, dy } = inputs as { x: TensorInfo; gamma: TensorInfo; dy: TensorInfo };
      float32(FUSED.layerNormGrad, x, gamma, dy);
      const cols = size(gamma.shape);
      const rows = rowsOf(FUSED.layerNormGrad, x, cols);
      const wasm = backend as BackendWasm;
      const dx = wasm.makeOutput(x.shape, 'float32');
      const dgamma = wasm.makeOutput(gamma.shape, 'float32');
      const dbeta = wasm.makeOutput(gamma.shape, 'float32');
      const { eps } = attrs as { eps: number };
      const at = (t: TensorInfo) => offset(wasm, t);
      k.layerNormGrad(at(x), at(gamma), at(dy), at(dx), at(dgamma), at(dbeta), rows, cols, eps);
      return [dx, dgamma, dbeta];
    },
    [FUSED.softmax]: ({ inputs, backend, attrs }) => {
      const x = inputs.x as TensorInfo;
      float32(FUSED.softmax, x);
      const wasm = backend as BackendWasm;
      const y = wasm.makeOutput(x.shape, 'float32');
      const cols = x.shape[x.shape.length - 1] ?? 1;
      const { scale } = attrs as { scale: number };
      k.softmaxRows(offset(wasm, x), offset(wasm, y), size(x.shape) / cols, cols, scale);
      return y;
    },
    [FUSED.softmaxGrad]: ({ inputs, backend, attrs }) => {
      const { y, dy } = inputs as { y: TensorInfo; dy: TensorInfo };
      float32(FUSED.softmaxGrad, y, dy);
      const wasm = backend as BackendWasm;
      const dx = wasm.makeOutput(y.shape, 'float32');
      const cols = y.shape[y.shape.length - 1] ?? 1;
      const { scale } = attrs as { scale: number };
      const at = (t: TensorInfo) => offset(wasm, t);
      k.softmaxRowsGrad(at(y), at(dy), at(dx), size(y.shape) / cols, cols, scale);
      return dx;
    },
  });
  tf.registerGradient({
    kernelName: FUSED.layerNorm,
    inputsToSave: ['x', 'gamma'],
    gradFunc: (dy, saved, attrs) => {
      // One kernel yields all three gradients; tfjs asks for them one by one, so compute them once here.
      const [x, gamma] = saved as [Tensor, Tensor];
      const [dx, dgamma, dbeta] = runKernel(
        FUSED.layerNormGrad,
        { x, gamma, dy: dy as Tensor },
        attrs,
      ) as Tensor[];
      return { x: () => dx!, gamma: () => dgamma!, beta: () => dbeta! };
    },
  });
  tf.registerGradient({
    kernelName: FUSED.softmax,
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => ({
      x: () => runKernel(FUSED.softmaxGrad, { y: saved[0]!, dy: dy as Tensor }, attrs) as Tensor,
    }),
  });
}
