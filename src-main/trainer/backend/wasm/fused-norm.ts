// Fused LayerNorm kernel with its gradient.
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '../../tf.js';
import { FUSED, float32, registerAll, rowsOf, size } from '../fused-common.js';
import { offset } from './heap.js';
import type { RaptrKernels } from './kernel-module.js';

export function registerLayerNorm(k: RaptrKernels): void {
  registerAll('wasm', {
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
  });
}
