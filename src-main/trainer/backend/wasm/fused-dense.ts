// Fused dense layer (x @ w + b, the bias added in the GEMM's store) and the MLM head's softmax
// cross-entropy, with their gradients.
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '../../tf.js';
import { FUSED, float32, registerAll, rowsOf, size } from '../fused-common.js';
import { offset, withScratch } from './heap.js';
import type { KernelRunner } from './kernel-runner.js';

/** Relative cost of a logit in the cross-entropy (an exp) against an add. */
const EXP_COST = 8;

export function registerDense(k: KernelRunner): void {
  registerAll('wasm', {
    [FUSED.linear]: ({ inputs, backend }) => {
      const { x, w, b } = inputs as { x: TensorInfo; w: TensorInfo; b: TensorInfo };
      float32(FUSED.linear, x, w, b);
      const [K, N] = w.shape as [number, number];
      const M = rowsOf(FUSED.linear, x, K);
      if (w.shape.length !== 2 || size(b.shape) !== N)
        throw new Error(`${FUSED.linear}: wants w [in, out] and b [out], got ${w.shape} and ${b.shape}`);
      const wasm = backend as BackendWasm;
      const y = wasm.makeOutput([...x.shape.slice(0, -1), N], 'float32');
      const at = (t: TensorInfo) => offset(wasm, t);
      const parts = k.parts(M * N * K);
      withScratch(wasm, k.kernels.gemmScratchFloats(M, N, parts), (scratch) =>
        k.run('gemm', [at(x), K, 1, at(w), N, 1, at(y), N, M, N, K, 1, false, at(b), scratch], parts),
      );
      return y;
    },
    [FUSED.softmaxXent]: ({ inputs, backend }) => {
      const { logits, labels } = inputs as { logits: TensorInfo; labels: TensorInfo };
      float32(FUSED.softmaxXent, logits);
      const [rows, cols] = logits.shape as [number, number];
      if (logits.shape.length !== 2 || labels.dtype !== 'int32' || size(labels.shape) !== rows)
        throw new Error(`${FUSED.softmaxXent}: wants logits [rows, classes] and int32 labels [rows]`);
      const wasm = backend as BackendWasm;
      const loss = wasm.makeOutput([], 'float32');
      const stats = wasm.makeOutput([rows, 2], 'float32');
      const at = (t: TensorInfo) => offset(wasm, t);
      k.run('softmaxXent', [at(logits), at(labels), at(stats), rows, cols], k.parts(rows * cols * EXP_COST));
      const mean = k.kernels.xentMeanLoss(at(logits), at(labels), at(stats), rows, cols);
      // A heap view is taken only now: an allocation after it could grow the heap and detach it.
      wasm.typedArrayFromHeap(loss)[0] = mean;
      return [loss, stats];
    },
    [FUSED.softmaxXentGrad]: ({ inputs, backend }) => {
      const { logits, labels, stats, dy } = inputs as Record<string, TensorInfo>;
      float32(FUSED.softmaxXentGrad, logits!, stats!, dy!);
      const [rows, cols] = logits!.shape as [number, number];
      const wasm = backend as BackendWasm;
      const dlogits = wasm.makeOutput(logits!.shape, 'float32');
      const scale = wasm.typedArrayFromHeap(dy!)[0]! / Math.max(rows, 1);
      const at = (t: TensorInfo) => offset(wasm, t);
      k.run(
        'softmaxXentGrad',
        [at(logits!), at(labels!), at(stats!), at(dlogits), rows, cols, scale],
        k.parts(rows * cols * EXP_COST),
      );
      return dlogits;
    },
  });
}
