// The core of multi-head self-attention, softmax(scale * Q K^T) V per (sequence, head), reading Q, K, V
// and writing the context straight in the [batch * seq, heads * headSize] layout of the projections: the
// per-head matrices are strided views (row stride d), which the packed GEMM reads as easily as dense ones.
// That removes the split-heads and merge-heads transposes (and their reshapes' saved copies) forward and
// backward. probs [batch, heads, seq, seq] is kept for the backward pass.
import { gemm } from './matmul';
import { softmaxRows, softmaxRowsGrad } from './softmax';

@inline function ptr(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

/** Scratch floats for attentionGrad: one seq x seq block, then the GEMM's own scratch. */
export function attentionScratchFloats(S: i32, gemmFloats: i32): i32 {
  return S * S + gemmFloats;
}

export function attention(
  q: usize, k: usize, v: usize, context: usize, probs: usize,
  B: i32, S: i32, H: i32, dh: i32, scale: f32, scratch: usize,
): void {
  const d = H * dh;
  for (let b = 0; b < B; b++)
    for (let h = 0; h < H; h++) {
      const head = b * S * d + h * dh; // element offset of (row 0 of this sequence, this head)
      const P = ptr(probs, (b * H + h) * S * S);
      // scores(i, j) = Q(i, :) . K(j, :): B(c, j) = K(j, c), i.e. K read transposed (bRow 1, bCol d).
      gemm(ptr(q, head), d, 1, ptr(k, head), 1, d, P, S, S, S, dh, 1, false, 0, scratch);
      softmaxRows(P, P, S, S, scale);
      gemm(P, S, 1, ptr(v, head), d, 1, ptr(context, head), d, S, dh, S, 1, false, 0, scratch);
    }
}

/**
 * With P = probs and dC the context gradient, per (sequence, head):
 *   dP = dC V^T;  dS = scale P (dP - rowsum(dP P));  dQ = dS K;  dK = dS^T Q;  dV = P^T dC.
 */
export function attentionGrad(
  q: usize, k: usize, v: usize, probs: usize, dcontext: usize, dq: usize, dk: usize, dv: usize,
  B: i32, S: i32, H: i32, dh: i32, scale: f32, scratch: usize,
): void {
  const d = H * dh;
  const dS = scratch;
  const gemmScratch = ptr(scratch, S * S);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < H; h++) {
      const head = b * S * d + h * dh;
      const P = ptr(probs, (b * H + h) * S * S);
      gemm(ptr(dcontext, head), d, 1, ptr(v, head), 1, d, dS, S, S, S, dh, 1, false, 0, gemmScratch);
      softmaxRowsGrad(P, dS, dS, S, S, scale);
      gemm(dS, S, 1, ptr(k, head), d, 1, ptr(dq, head), d, S, dh, S, 1, false, 0, gemmScratch);
      gemm(dS, 1, S, ptr(q, head), d, 1, ptr(dk, head), d, S, dh, S, 1, false, 0, gemmScratch);
      gemm(P, 1, S, ptr(dcontext, head), d, 1, ptr(dv, head), d, S, dh, S, 1, false, 0, gemmScratch);
    }
}
