// The core of multi-head self-attention, softmax(scale * Q K^T) V per (sequence, head), reading Q, K, V
// and writing the context straight in the [batch * seq, heads * headSize] layout of the projections: the
// per-head matrices are strided views (row stride d), which the packed GEMM reads as easily as dense ones.
// That removes the split-heads and merge-heads transposes (and their reshapes' saved copies) forward and
// backward. probs [batch, heads, seq, seq] is kept for the backward pass.
//
// Threads: part `part` of `parts` takes a range of the batch * heads (sequence, head) pairs, with its own
// slice of the scratch; a pair is computed the same way whichever part it falls in.
import { ptr } from './math';
import { gemmBlock as gemm, gemmBlockScratchFloats } from './matmul';
import { partStart } from './parts';
import { softmaxRows, softmaxRowsGrad } from './softmax';

/** Scratch floats of one part: one seq x seq block (the backward pass), then the GEMM's own scratch. */
@inline function partScratchFloats(S: i32, dh: i32): i32 {
  return squareFloats(S) + gemmBlockScratchFloats(max(S, dh));
}

/** S x S floats, rounded up to whole v128s so the GEMM scratch after them stays 16-byte aligned. */
@inline function squareFloats(S: i32): i32 {
  return (S * S + 3) & ~3;
}

/** Scratch floats attention and attentionGrad need for `parts` parts. */
export function attentionScratchFloats(S: i32, dh: i32, parts: i32): i32 {
  return parts * partScratchFloats(S, dh);
}

export function attention(
  q: usize, k: usize, v: usize, context: usize, probs: usize,
  B: i32, S: i32, H: i32, dh: i32, scale: f32, scratch: usize, part: i32, parts: i32,
): void {
  const d = H * dh;
  const gemmScratch = ptr(scratch, part * partScratchFloats(S, dh) + squareFloats(S));
  for (let pair = partStart(B * H, part, parts), end = partStart(B * H, part + 1, parts); pair < end; pair++) {
    const b = pair / H, h = pair % H;
    const head = b * S * d + h * dh; // element offset of (row 0 of this sequence, this head)
    const P = ptr(probs, (b * H + h) * S * S);
    // scores(i, j) = Q(i, :) . K(j, :): B(c, j) = K(j, c), i.e. K read transposed (bRow 1, bCol d).
    gemm(ptr(q, head), d, 1, ptr(k, head), 1, d, P, S, S, S, dh, 1, false, 0, gemmScratch);
    softmaxRows(P, P, S, S, scale);
    gemm(P, S, 1, ptr(v, head), d, 1, ptr(context, head), d, S, dh, S, 1, false, 0, gemmScratch);
  }
}

/**
 * With P = probs and dC the context gradient, per (sequence, head):
 *   dP = dC V^T;  dS = scale P (dP - rowsum(dP P));  dQ = dS K;  dK = dS^T Q;  dV = P^T dC.
 */
export function attentionGrad(
  q: usize, k: usize, v: usize, probs: usize, dcontext: usize, dq: usize, dk: usize, dv: usize,
  B: i32, S: i32, H: i32, dh: i32, scale: f32, scratch: usize, part: i32, parts: i32,
): void {
  const d = H * dh;
  const dS = ptr(scratch, part * partScratchFloats(S, dh));
  const gemmScratch = ptr(dS, squareFloats(S));
  for (let pair = partStart(B * H, part, parts), end = partStart(B * H, part + 1, parts); pair < end; pair++) {
    const b = pair / H, h = pair % H;
    const head = b * S * d + h * dh;
    const P = ptr(probs, (b * H + h) * S * S);
    gemm(ptr(dcontext, head), d, 1, ptr(v, head), 1, d, dS, S, S, S, dh, 1, false, 0, gemmScratch);
    softmaxRowsGrad(P, dS, dS, S, S, scale);
    gemm(dS, S, 1, ptr(k, head), d, 1, ptr(dq, head), d, S, dh, S, 1, false, 0, gemmScratch);
    gemm(dS, 1, S, ptr(q, head), d, 1, ptr(dk, head), d, S, dh, S, 1, false, 0, gemmScratch);
    gemm(P, 1, S, ptr(dcontext, head), d, 1, ptr(dv, head), d, S, dh, S, 1, false, 0, gemmScratch);
  }
}
