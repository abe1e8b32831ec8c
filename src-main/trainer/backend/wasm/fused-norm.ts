// Fused LayerNorm kernel with its gradient.
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '../../tf.js';
import { FUSED, float32, registerAll, rowsOf, size } from '../fused-common.js';
import { offset, withScratch } from './heap.js';
import type { KernelRunner } from './kernel-runner.js';

/** Relative cost of an element of LayerNorm (two passes for the statistics, one to normalise). */
const NORM_COST = 4;

export function registerLayerNorm(k: KernelRunner): void {
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
      k.run(
        'layerNorm',
        [at(x), at(gamma), at(beta), at(y), rows, cols, eps],
        k.parts(rows * cols * NORM_COST),
      );
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
      const parts = k.parts(rows * cols * NORM_COST);
      // Row statistics, saved by the dx pass for the dgamma / dbeta pass (which splits by column).
      withScratch(wasm, rows * 2, (stats) => {
        k.run('layerNormGradRows', [at(x), at(gamma), at(dy), at(dx), stats, rows, cols, eps], parts);
        k.run('layerNormGradParams', [at(x), at(dy), stats, at(dgamma), at(dbeta), rows, cols], parts);
      });
      return [dx, dgamma, dbeta];
    },
  });
}
