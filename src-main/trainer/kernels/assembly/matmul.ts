// Matrix product on raw f32 memory, SIMD (f32x4), for every layout the model uses:
//   C(i,j) = alpha * sum_k A(i,k) * B(k,j) [+ C(i,j) if accumulate] [+ bias(j)]
//   with A(i,k) = A[i*aRow + k*aCol] and B(k,j) = B[k*bRow + j*bCol] (so A^T and B^T are just strides).
// Blocks of K x NC are packed into caller-provided scratch (see pack.ts), then a 4x8 register tile walks
// both panels contiguously. The module allocates nothing: the caller passes `scratch`,
// gemmScratchFloats(M, N, parts) floats of it. All pointers are byte offsets into the memory shared with the
// TensorFlow.js wasm backend.
//
// Threads: `gemm` computes one block of C of a rows x columns grid (parts.ts). Every element of C is the
// same sum, in the same K order, whichever block it falls in, so C is the same for any number of parts.
import { madd, ptr } from './math';
import { packA4, packB } from './pack';
import { partStart } from './parts';

/** K block: a packed B block (KC x NC) stays in L2 and an A panel (KC x 4) in L1. */
const KC: i32 = 256;
/** Column block: without it a wide B (the MLM head's 8000 logits) was packed whole and read from L3. */
const NC: i32 = 512;

/** Scratch floats for one part of `cols` columns: one packed B block and one packed A panel. */
@inline function blockScratchFloats(cols: i32): i32 {
  return min((cols + 7) & ~7, NC) * KC + 4 * KC;
}

/**
 * Columns of the thread grid for an M x N product in `parts` blocks. Each block packs its own rows of A and
 * columns of B, so the grid whose largest block costs least (its multiply-adds, plus about 4 per float it
 * packs, per k) wins; ties go to fewer column blocks.
 */
function gridColumns(M: i32, N: i32, parts: i32): i32 {
  const rowUnits = (M + 3) >> 2, colUnits = (N + 7) >> 3;
  let best = 1;
  let bestCost = Infinity;
  for (let pc = 1; pc <= parts; pc++) {
    if (parts % pc != 0) continue;
    const pr = parts / pc;
    const rows = <f64>(((rowUnits + pr - 1) / pr) << 2), cols = <f64>(((colUnits + pc - 1) / pc) << 3);
    const cost = rows * cols + 4 * (rows + cols);
    if (cost < bestCost) {
      bestCost = cost;
      best = pc;
    }
  }
  return best;
}

/** Scratch floats gemm needs for all `parts` blocks of an M x N product. */
export function gemmScratchFloats(M: i32, N: i32, parts: i32): i32 {
  const pc = gridColumns(M, N, parts);
  return parts * blockScratchFloats((((N + 7) >> 3) + pc - 1) / pc << 3);
}

/** Block `part` of `parts` of C (see the top of this file); part 0 of 1 is the whole product. */
export function gemm(
  a: usize, aRow: i32, aCol: i32,
  b: usize, bRow: i32, bCol: i32,
  c: usize, ldc: i32,
  M: i32, N: i32, K: i32,
  alpha: f32, accumulate: bool, bias: usize, scratch: usize,
  part: i32, parts: i32,
): void {
  const pc = gridColumns(M, N, parts), pr = parts / pc;
  const rowUnits = (M + 3) >> 2, colUnits = (N + 7) >> 3;
  const r = part / pc, q = part % pc;
  const i0 = partStart(rowUnits, r, pr) << 2, i1 = min(M, partStart(rowUnits, r + 1, pr) << 2);
  const j0 = partStart(colUnits, q, pc) << 3, j1 = min(N, partStart(colUnits, q + 1, pc) << 3);
  if (i0 >= i1 || j0 >= j1) return;
  const mine = scratch + ((<usize>part * <usize>blockScratchFloats(((colUnits + pc - 1) / pc) << 3)) << 2);
  gemmBlock(
    ptr(a, i0 * aRow), aRow, aCol, ptr(b, j0 * bCol), bRow, bCol, ptr(c, i0 * ldc + j0), ldc,
    i1 - i0, j1 - j0, K, alpha, accumulate, bias == 0 ? 0 : ptr(bias, j0), mine,
  );
}

/** Scratch floats gemmBlock needs for N columns. */
export function gemmBlockScratchFloats(N: i32): i32 {
  return blockScratchFloats(N);
}

/** The whole product on this thread (attention's per-head products, already split by head). */
export function gemmBlock(
  a: usize, aRow: i32, aCol: i32,
  b: usize, bRow: i32, bCol: i32,
  c: usize, ldc: i32,
  M: i32, N: i32, K: i32,
  alpha: f32, accumulate: bool, bias: usize, scratch: usize,
): void {
  const va = f32x4.splat(alpha);
  const bp = scratch;
  const ap = ptr(scratch, min((N + 7) & ~7, NC) * KC);
  if (K == 0) {
    // No terms: C = bias (or is left as it is when accumulating), as a matrix product with K = 0 is zero.
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) finish(ptr(c, i * ldc + j), 0, accumulate, bias, j);
    return;
  }
  for (let n0 = 0; n0 < N; n0 += NC) {
    const nc = min(NC, N - n0);
    for (let k0 = 0; k0 < K; k0 += KC) {
      const kc = min(KC, K - k0);
      // Later K blocks add onto what the earlier ones stored; the bias goes in once.
      const acc = k0 == 0 ? accumulate : true;
      const bi: usize = k0 == 0 ? bias : 0;
      packB(ptr(b, k0 * bRow + n0 * bCol), bRow, bCol, bp, nc, kc);
      for (let i = 0; i < M; i += 4) {
        packA4(ptr(a, k0 * aCol), aRow, aCol, ap, i, M, kc);
        const rows = min(4, M - i);
        for (let j = 0; j < nc; j += 8)
          tile4x8(ap, ptr(bp, j * kc), ptr(c, i * ldc + n0 + j), ldc, rows, min(8, nc - j), kc, va, acc, bi, n0 + j);
      }
    }
  }
}

/** C(i..i+3, j..j+7) from a packed A panel and a packed B panel: 8 accumulators, 6 loads per k. */
@inline function tile4x8(
  ap: usize, bp: usize, c: usize, ldc: i32, rows: i32, cols: i32, K: i32,
  va: v128, accumulate: bool, bias: usize, j: i32,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let pa = ap, pb = bp;
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    const x0 = v128.load32_splat(pa), x1 = v128.load32_splat(pa, 4);
    const x2 = v128.load32_splat(pa, 8), x3 = v128.load32_splat(pa, 12);
    c00 = madd(x0, b0, c00); c01 = madd(x0, b1, c01);
    c10 = madd(x1, b0, c10); c11 = madd(x1, b1, c11);
    c20 = madd(x2, b0, c20); c21 = madd(x2, b1, c21);
    c30 = madd(x3, b0, c30); c31 = madd(x3, b1, c31);
    pa += 16;
    pb += 32;
  }
  const row = <usize>ldc << 2;
  storeRow8(c, c00, c01, va, accumulate, bias, j, cols);
  if (rows > 1) storeRow8(c + row, c10, c11, va, accumulate, bias, j, cols);
  if (rows > 2) storeRow8(c + 2 * row, c20, c21, va, accumulate, bias, j, cols);
  if (rows > 3) storeRow8(c + 3 * row, c30, c31, va, accumulate, bias, j, cols);
}

@inline function storeRow8(pc: usize, v0: v128, v1: v128, va: v128, accumulate: bool, bias: usize, j: i32, cols: i32): void {
  let o0 = f32x4.mul(v0, va), o1 = f32x4.mul(v1, va);
  if (cols == 8) {
    if (accumulate) {
      o0 = f32x4.add(o0, v128.load(pc));
      o1 = f32x4.add(o1, v128.load(pc, 16));
    }
    if (bias != 0) {
      o0 = f32x4.add(o0, v128.load(ptr(bias, j)));
      o1 = f32x4.add(o1, v128.load(ptr(bias, j), 16));
    }
    v128.store(pc, o0);
    v128.store(pc, o1, 16);
    return;
  }
  // The last, partial column panel: write only the columns that exist.
  if (cols > 0) finish(pc, f32x4.extract_lane(o0, 0), accumulate, bias, j);
  if (cols > 1) finish(ptr(pc, 1), f32x4.extract_lane(o0, 1), accumulate, bias, j + 1);
  if (cols > 2) finish(ptr(pc, 2), f32x4.extract_lane(o0, 2), accumulate, bias, j + 2);
  if (cols > 3) finish(ptr(pc, 3), f32x4.extract_lane(o0, 3), accumulate, bias, j + 3);
  if (cols > 4) finish(ptr(pc, 4), f32x4.extract_lane(o1, 0), accumulate, bias, j + 4);
  if (cols > 5) finish(ptr(pc, 5), f32x4.extract_lane(o1, 1), accumulate, bias, j + 5);
  if (cols > 6) finish(ptr(pc, 6), f32x4.extract_lane(o1, 2), accumulate, bias, j + 6);
}

@inline function finish(pc: usize, value: f32, accumulate: bool, bias: usize, j: i32): void {
  let out = value;
  if (accumulate) out += load<f32>(pc);
  if (bias != 0) out += load<f32>(ptr(bias, j));
  store<f32>(pc, out);
}
