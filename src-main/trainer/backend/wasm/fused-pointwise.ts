// Fused GELU and residual (y + a * branch) kernels with their gradients.
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '../../tf.js';
import { FUSED, float32, registerAll, size } from '../fused-common.js';
import { offset } from './heap.js';
import type { KernelRunner } from './kernel-runner.js';

/** Relative cost of an element: GELU's exp and divide against an add. */
const GELU_COST = 12;

export function registerPointwise(k: KernelRunner): void {
  registerAll('wasm', {
    [FUSED.gelu]: ({ inputs, backend }) => {
      const x = inputs.x as TensorInfo;
      float32(FUSED.gelu, x);
      const wasm = backend as BackendWasm;
      const y = wasm.makeOutput(x.shape, 'float32');
      const n = size(x.shape);
      k.run('gelu', [offset(wasm, x), offset(wasm, y), n], k.parts(n * GELU_COST));
      return y;
    },
    [FUSED.geluGrad]: ({ inputs, backend }) => {
      const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
      float32(FUSED.geluGrad, x, dy);
      const wasm = backend as BackendWasm;
      const dx = wasm.makeOutput(x.shape, 'float32');
      const n = size(x.shape);
      k.run('geluGrad', [offset(wasm, x), offset(wasm, dy), offset(wasm, dx), n], k.parts(n * GELU_COST));
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
      const n = size(y.shape);
      k.run('addScaled', [offset(wasm, y), offset(wasm, branch), offset(wasm, out), n, scale], k.parts(n));
      return out;
    },
  });
}
