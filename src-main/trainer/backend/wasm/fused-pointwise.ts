// Fused GELU and residual (y + a * branch) kernels with their gradients.
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '../../tf.js';
import { FUSED, float32, registerAll, size } from '../fused-common.js';
import { offset } from './heap.js';
import type { RaptrKernels } from './kernel-module.js';

export function registerPointwise(k: RaptrKernels): void {
  registerAll('wasm', {
    [FUSED.gelu]: ({ inputs, backend }) => {
      const x = inputs.x as TensorInfo;
      float32(FUSED.gelu, x);
      const wasm = backend as BackendWasm;
      const y = wasm.makeOutput(x.shape, 'float32');
      k.gelu(offset(wasm, x), offset(wasm, y), size(x.shape));
      return y;
    },
    [FUSED.geluGrad]: ({ inputs, backend }) => {
      const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
      float32(FUSED.geluGrad, x, dy);
      const wasm = backend as BackendWasm;
      const dx = wasm.makeOutput(x.shape, 'float32');
      k.geluGrad(offset(wasm, x), offset(wasm, dy), offset(wasm, dx), size(x.shape));
      return dx;
    },
    [FUSED.residual]: ({ inputs, backend, attrs }) => {
      const { y, branch } = inputs as { y: TensorInfo; branch: TensorInfo };
      float32(FUSED.residual, y, branch);
      if (y.shape.join() !== branch.shape.join())
        throw new Error(`${FUSED.residual}: shapes ${y.shape} and ${branch.shape} differ`);
      const wasm = backend as BackendWasm;
      const out = wasm.makeOutput(y.shape, 'float32');
      const { scale } = attrs as { scale: number };
      k.addScaled(offset(wasm, y), offset(wasm, branch), offset(wasm, out), size(y.shape), scale);
      return out;
    },
  });
}
