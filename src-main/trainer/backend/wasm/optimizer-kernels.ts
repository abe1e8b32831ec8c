// The optimizer's kernels on the wasm heap (kernels/assembly/optim.ts): the gradients' sums of squares and
// AdamW on every variable of a step, each one call split between the threads. The variables go to the
// kernel as a table in scratch memory; before, each was a call of its own (~200 a BERT-mini step, most too
// small to split, all on the trainer's thread while the workers waited).
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { AdamwHyper, InPlaceKernels, VariableUpdate } from '../in-place-kernels.js';
import type { Tensor } from '../../tf.js';
import { withScratch } from './heap.js';
import type { KernelRunner } from './kernel-runner.js';

/** Int32s per entry of sumSquaresAll's table (pointer, length) and of adamwAll's (see optim.ts). */
const SUM_ENTRY = 2;
const ADAMW_ENTRY = 8;
/** Operations per element, to decide whether threads pay: a read and a multiply-add; AdamW's ~20. */
const SUM_COST = 2;
const ADAMW_COST = 20;

export function wasmOptimizerKernels(runner: KernelRunner, backend: BackendWasm): InPlaceKernels {
  const at = (t: Tensor) => backend.getMemoryOffset(t.dataId);
  const elements = (tensors: readonly Tensor[]) => tensors.reduce((n, t) => n + t.size, 0);
  return {
    sumsOfSquares(tensors) {
      const count = tensors.length;
      if (count === 0) return [];
      // The table, then the f64 sums (8-byte aligned: scratch is 16-byte aligned, the table 8 bytes a row).
      return withScratch(backend, SUM_ENTRY * count + 2 * count, (table) => {
        const ints = new Int32Array(runner.heap, table, SUM_ENTRY * count);
        tensors.forEach((t, i) => ints.set([at(t), t.size], SUM_ENTRY * i));
        const out = table + 4 * SUM_ENTRY * count;
        runner.run('sumSquaresAll', [table, count, out], runner.parts(SUM_COST * elements(tensors)));
        return Array.from(new Float64Array(runner.heap, out, count));
      });
    },
    adamw(updates: readonly VariableUpdate[], gradScale: number, s: AdamwHyper) {
      const count = updates.length;
      if (count === 0) return;
      withScratch(backend, ADAMW_ENTRY * count, (table) => {
        const ints = new Int32Array(runner.heap, table, ADAMW_ENTRY * count);
        const floats = new Float32Array(runner.heap, table, ADAMW_ENTRY * count);
        updates.forEach((u, i) => {
          const e = ADAMW_ENTRY * i;
          ints.set([at(u.param), u.grad ? at(u.grad) : 0, at(u.m), at(u.v), u.param.size], e);
          floats.set([u.weightDecay, u.bc1, u.bc2], e + 5);
        });
        const work = ADAMW_COST * elements(updates.map((u) => u.param));
        runner.run('adamwAll', [table, count, s.lr, s.beta1, s.beta2, s.eps, gradScale], runner.parts(work));
      });
    },
  };
}
