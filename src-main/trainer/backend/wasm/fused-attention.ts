// Fused multi-head attention core (softmax(Q K^T / sqrt(dh)) V on the projections' own layout) and its
// gradient; see kernels/assembly/attention.ts.
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '../../tf.js';
import { FUSED, float32, registerAll } from '../fused-common.js';
import { offset, withScratch } from './heap.js';
import type { KernelRunner } from './kernel-runner.js';

interface AttentionAttrs {
  batch: number;
  heads: number;
}

/** Sequence length, head size and scale for projections [batch * S, d]. */
function dims(q: TensorInfo, { batch, heads }: AttentionAttrs) {
  const [rows, d] = q.shape as [number, number];
  if (q.shape.length !== 2 || rows % batch !== 0 || d % heads !== 0)
    throw new Error(`${FUSED.attention}: q ${JSON.stringify(q.shape)} is not [batch * seq, heads * size]`);
  const S = rows / batch,
    dh = d / heads;
  return { S, dh, scale: 1 / Math.sqrt(dh) };
}

/** Multiply-adds of the attention core: two S x S x dh products per (sequence, head). */
const work = (a: AttentionAttrs, S: number, dh: number) => 2 * a.batch * a.heads * S * S * dh;

export function registerAttention(k: KernelRunner): void {
  registerAll('wasm', {
    [FUSED.attention]: ({ inputs, backend, attrs }) => {
      const { q, k: key, v } = inputs as { q: TensorInfo; k: TensorInfo; v: TensorInfo };
      float32(FUSED.attention, q, key, v);
      const a = attrs as unknown as AttentionAttrs;
      const { S, dh, scale } = dims(q, a);
      if (key.shape.join() !== q.shape.join() || v.shape.join() !== q.shape.join())
        throw new Error(`${FUSED.attention}: q, k and v shapes differ`);
      const wasm = backend as BackendWasm;
      const context = wasm.makeOutput(q.shape, 'float32');
      const probs = wasm.makeOutput([a.batch, a.heads, S, S], 'float32');
      const at = (t: TensorInfo) => offset(wasm, t);
      const parts = k.parts(work(a, S, dh));
      withScratch(wasm, k.kernels.attentionScratchFloats(S, dh, parts), (scratch) =>
        k.run(
          'attention',
          [at(q), at(key), at(v), at(context), at(probs), a.batch, S, a.heads, dh, scale, scratch],
          parts,
        ),
      );
      return [context, probs];
    },
    [FUSED.attentionGrad]: ({ inputs, backend, attrs }) => {
      const { q, k: key, v, probs, dy } = inputs as Record<string, TensorInfo>;
      float32(FUSED.attentionGrad, q!, key!, v!, probs!, dy!);
      const a = attrs as unknown as AttentionAttrs;
      const { S, dh, scale } = dims(q!, a);
      const wasm = backend as BackendWasm;
      const [dq, dk, dv] = [0, 1, 2].map(() => wasm.makeOutput(q!.shape, 'float32')) as TensorInfo[];
      const at = (t: TensorInfo) => offset(wasm, t);
      const parts = k.parts(2 * work(a, S, dh));
      withScratch(wasm, k.kernels.attentionScratchFloats(S, dh, parts), (scratch) =>
        k.run(
          'attentionGrad',
          [
            at(q!),
            at(key!),
            at(v!),
            at(probs!),
            at(dy!),
            at(dq!),
            at(dk!),
            at(dv!),
            a.batch,
            S,
            a.heads,
            dh,
            scale,
            scratch,
          ],
          parts,
        ),
      );
      return [dq!, dk!, dv!];
    },
  });
}
