// Matrix products on raw f32 memory, SIMD (f32x4). All pointers are byte offsets into the memory shared
// with the TensorFlow.js wasm backend; all strides are in elements. No allocation, no static data.
//
// gemmBroadcast: C(i,j) = alpha * sum_k A(i,k) * B(k,j) [+ C(i,j) if accumulate] [+ bias(j)]
//   A(i,k) = A[i*aRow + k*aCol] (any strides: A is read one scalar at a time and broadcast), so it covers
//   both A and A-transposed; B rows are contiguous in j (B(k,j) = B[k*ldb + j]); C rows contiguous.
// gemmDot: C(i,j) = alpha * dot(A row i, B row j) [+ C]: the A @ B^T form, both rows contiguous in k.

@inline function ptr(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

export function gemmBroadcast(
  a: usize, aRow: i32, aCol: i32,
  b: usize, ldb: i32,
  c: usize, ldc: i32,
  M: i32, N: i32, K: i32,
  alpha: f32, accumulate: bool, bias: usize,
): void {
  const n8 = N & ~7;
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    for (let j = 0; j < n8; j += 8) {
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      let pa = ptr(a, i * aRow);
      let pb = ptr(b, j);
      const r1 = <usize>aRow << 2, acs = <usize>aCol << 2, bstep = <usize>ldb << 2;
      for (let k = 0; k < K; k++) {
        const b0 = v128.load(pb), b1 = v128.load(pb, 16);
        const x0 = v128.load32_splat(pa), x1 = v128.load32_splat(pa + r1);
        const x2 = v128.load32_splat(pa + 2 * r1), x3 = v128.load32_splat(pa + 3 * r1);
        c00 = f32x4.add(c00, f32x4.mul(x0, b0)); c01 = f32x4.add(c01, f32x4.mul(x0, b1));
        c10 = f32x4.add(c10, f32x4.mul(x1, b0)); c11 = f32x4.add(c11, f32x4.mul(x1, b1));
        c20 = f32x4.add(c20, f32x4.mul(x2, b0)); c21 = f32x4.add(c21, f32x4.mul(x2, b1));
        c30 = f32x4.add(c30, f32x4.mul(x3, b0)); c31 = f32x4.add(c31, f32x4.mul(x3, b1));
        pa += acs;
        pb += bstep;
      }
      storeRow8(ptr(c, i * ldc + j), c00, c01, va, accumulate, bias, j);
      storeRow8(ptr(c, (i + 1) * ldc + j), c10, c11, va, accumulate, bias, j);
      storeRow8(ptr(c, (i + 2) * ldc + j), c20, c21, va, accumulate, bias, j);
      storeRow8(ptr(c, (i + 3) * ldc + j), c30, c31, va, accumulate, bias, j);
    }
    for (let r = i; r < i + 4; r++) gemmTailColumns(a, aRow, aCol, b, ldb, c, ldc, r, n8, N, K, alpha, accumulate, bias);
  }
  for (; i < M; i++) {
    for (let j = 0; j < n8; j += 8) {
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
      let pa = ptr(a, i * aRow);
      let pb = ptr(b, j);
      const acs = <usize>aCol << 2, bstep = <usize>ldb << 2;
      for (let k = 0; k < K; k++) {
        const x = v128.load32_splat(pa);
        c0 = f32x4.add(c0, f32x4.mul(x, v128.load(pb)));
        c1 = f32x4.add(c1, f32x4.mul(x, v128.load(pb, 16)));
        pa += acs;
        pb += bstep;
      }
      storeRow8(ptr(c, i * ldc + j), c0, c1, va, accumulate, bias, j);
    }
    gemmTailColumns(a, aRow, aCol, b, ldb, c, ldc, i, n8, N, K, alpha, accumulate, bias);
  }
}

@inline function storeRow8(pc: usize, v0: v128, v1: v128, va: v128, accumulate: bool, bias: usize, j: i32): void {
  let o0 = f32x4.mul(v0, va), o1 = f32x4.mul(v1, va);
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
}

function gemmTailColumns(
  a: usize, aRow: i32, aCol: i32, b: usize, ldb: i32, c: usize, ldc: i32,
  i: i32, from: i32, N: i32, K: i32, alpha: f32, accumulate: bool, bias: usize,
): void {
  for (let j = from; j < N; j++) {
    let sum: f32 = 0;
    for (let k = 0; k < K; k++) sum += load<f32>(ptr(a, i * aRow + k * aCol)) * load<f32>(ptr(b, k * ldb + j));
    const pc = ptr(c, i * ldc + j);
    let out = sum * alpha;
    if (accumulate) out += load<f32>(pc);
    if (bias != 0) out += load<f32>(ptr(bias, j));
    store<f32>(pc, out);
  }
}

export function gemmDot(
  a: usize, lda: i32,
  b: usize, ldb: i32,
  c: usize, ldc: i32,
  M: i32, N: i32, K: i32,
  alpha: f32, accumulate: bool,
): void {
  const k4 = K & ~3;
  let i = 0;
  for (; i + 2 <= M; i += 2) {
    let j = 0;
    for (; j + 4 <= N; j += 4) {
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s02 = f32x4.splat(0), s03 = f32x4.splat(0);
      let s10 = f32x4.splat(0), s11 = f32x4.splat(0), s12 = f32x4.splat(0), s13 = f32x4.splat(0);
      const a0 = ptr(a, i * lda), a1 = ptr(a, (i + 1) * lda);
      const b0 = ptr(b, j * ldb), b1 = ptr(b, (j + 1) * ldb), b2 = ptr(b, (j + 2) * ldb), b3 = ptr(b, (j + 3) * ldb);
      for (let k = 0; k < k4; k += 4) {
        const off = <usize>k << 2;
        const x0 = v128.load(a0 + off), x1 = v128.load(a1 + off);
        const y0 = v128.load(b0 + off), y1 = v128.load(b1 + off), y2 = v128.load(b2 + off), y3 = v128.load(b3 + off);
        s00 = f32x4.add(s00, f32x4.mul(x0, y0)); s01 = f32x4.add(s01, f32x4.mul(x0, y1));
        s02 = f32x4.add(s02, f32x4.mul(x0, y2)); s03 = f32x4.add(s03, f32x4.mul(x0, y3));
        s10 = f32x4.add(s10, f32x4.mul(x1, y0)); s11 = f32x4.add(s11, f32x4.mul(x1, y1));
        s12 = f32x4.add(s12, f32x4.mul(x1, y2)); s13 = f32x4.add(s13, f32x4.mul(x1, y3));
      }
      // Transpose-and-add turns four accumulators into the four dot products of one output row.
      let r0 = hsum4(s00, s01, s02, s03), r1 = hsum4(s10, s11, s12, s13);
      for (let k = k4; k < K; k++) {
        const x0 = load<f32>(ptr(a0, k)), x1 = load<f32>(ptr(a1, k));
        const y = f32x4(load<f32>(ptr(b0, k)), load<f32>(ptr(b1, k)), load<f32>(ptr(b2, k)), load<f32>(ptr(b3, k)));
        r0 = f32x4.add(r0, f32x4.mul(f32x4.splat(x0), y));
        r1 = f32x4.add(r1, f32x4.mul(f32x4.splat(x1), y));
      }
      storeRow4(ptr(c, i * ldc + j), r0, alpha, accumulate);
      storeRow4(ptr(c, (i + 1) * ldc + j), r1, alpha, accumulate);
    }
    for (; j < N; j++) {
      dotOne(a, lda, b, ldb, c, ldc, i, j, K, alpha, accumulate);
      dotOne(a, lda, b, ldb, c, ldc, i + 1, j, K, alpha, accumulate);
    }
  }
  for (; i < M; i++) for (let j = 0; j < N; j++) dotOne(a, lda, b, ldb, c, ldc, i, j, K, alpha, accumulate);
}

@inline function hsum4(s0: v128, s1: v128, s2: v128, s3: v128): v128 {
  const t0 = f32x4.add(v128.shuffle<f32>(s0, s1, 0, 4, 1, 5), v128.shuffle<f32>(s0, s1, 2, 6, 3, 7));
  const t1 = f32x4.add(v128.shuffle<f32>(s2, s3, 0, 4, 1, 5), v128.shuffle<f32>(s2, s3, 2, 6, 3, 7));
  // t0 = [a0+a2, b0+b2, a1+a3, b1+b3], t1 likewise for s2, s3.
  return f32x4.add(v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
}

@inline function storeRow4(pc: usize, v: v128, alpha: f32, accumulate: bool): void {
  let out = f32x4.mul(v, f32x4.splat(alpha));
  if (accumulate) out = f32x4.add(out, v128.load(pc));
  v128.store(pc, out);
}

function dotOne(a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, i: i32, j: i32, K: i32, alpha: f32, accumulate: bool): void {
  let sum: f32 = 0;
  for (let k = 0; k < K; k++) sum += load<f32>(ptr(a, i * lda + k)) * load<f32>(ptr(b, j * ldb + k));
  const pc = ptr(c, i * ldc + j);
  store<f32>(pc, accumulate ? load<f32>(pc) + sum * alpha : sum * alpha);
}
