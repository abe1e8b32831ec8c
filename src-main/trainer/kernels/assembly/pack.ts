// Packing for the GEMM in matmul.ts: copies a block of each operand into scratch memory in the order the
// micro-kernel reads it, so the inner loop walks both operands contiguously whatever their layout
// (A, A^T, B, B^T). Without this, the transposed forms stride through memory and ran at 11-22 GFLOP/s
// in a training step, against ~40 for the packed loop. Pointers are byte offsets; strides in elements.

@inline function ptr(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

/**
 * Panels of 8 columns: dst[(j/8)*K*8 + k*8 + c] = B(k, j + c) with B(k, j) = B[k*bRow + j*bCol];
 * columns past N are zero, so the micro-kernel never needs a column tail in its inner loop.
 */
export function packB(b: usize, bRow: i32, bCol: i32, dst: usize, N: i32, K: i32): void {
  for (let j = 0; j < N; j += 8) {
    const panel = ptr(dst, j * K);
    if (bCol == 1 && j + 8 <= N) {
      for (let k = 0; k < K; k++) {
        const src = ptr(b, k * bRow + j);
        v128.store(ptr(panel, k * 8), v128.load(src));
        v128.store(ptr(panel, k * 8), v128.load(src, 16), 16);
      }
    } else if (bRow == 1 && j + 8 <= N && (K & 3) == 0) {
      // B^T (the A @ B^T form): each column is a contiguous row of B; transpose 4x4 blocks in registers.
      for (let half = 0; half < 8; half += 4) {
        const r0 = ptr(b, (j + half) * bCol);
        for (let k = 0; k < K; k += 4) transpose4(r0 + (<usize>k << 2), bCol, ptr(panel, k * 8 + half), 8);
      }
    } else {
      for (let k = 0; k < K; k++)
        for (let c = 0; c < 8; c++)
          store<f32>(ptr(panel, k * 8 + c), j + c < N ? load<f32>(ptr(b, k * bRow + (j + c) * bCol)) : 0);
    }
  }
}

/** One panel of 4 rows: dst[k*4 + r] = A(i + r, k) with A(i, k) = A[i*aRow + k*aCol]; rows past M are zero. */
export function packA4(a: usize, aRow: i32, aCol: i32, dst: usize, i: i32, M: i32, K: i32): void {
  if (aRow == 1 && i + 4 <= M) {
    // A^T (the A^T @ B form): the 4 rows of a panel sit side by side in memory.
    for (let k = 0; k < K; k++) v128.store(ptr(dst, k * 4), v128.load(ptr(a, i + k * aCol)));
  } else if (aCol == 1 && i + 4 <= M && (K & 3) == 0) {
    const r0 = ptr(a, i * aRow);
    for (let k = 0; k < K; k += 4) transpose4(r0 + (<usize>k << 2), aRow, ptr(dst, k * 4), 4);
  } else {
    for (let k = 0; k < K; k++)
      for (let r = 0; r < 4; r++)
        store<f32>(ptr(dst, k * 4 + r), i + r < M ? load<f32>(ptr(a, (i + r) * aRow + k * aCol)) : 0);
  }
}

/** Reads 4 floats from each of 4 rows (`stride` elements apart) and writes them as 4 columns. */
@inline function transpose4(src: usize, stride: i32, dst: usize, dstStride: i32): void {
  const s = <usize>stride << 2;
  const x0 = v128.load(src), x1 = v128.load(src + s), x2 = v128.load(src + 2 * s), x3 = v128.load(src + 3 * s);
  const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5), t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
  const d = <usize>dstStride << 2;
  v128.store(dst, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(dst + d, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * d, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * d, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
}
