// Element-wise sums. out = y + scale * branch: the residual connection, one pass (and, as a registered
// kernel, no saved copies of its inputs, which tf.add and tf.mul both keep for their gradients).
import { ptr } from './math';
import { partStart, quadStart } from './parts';

export function addScaled(y: usize, branch: usize, out: usize, n: i32, scale: f32, part: i32, parts: i32): void {
  const vs = f32x4.splat(scale);
  const end = quadStart(n, part + 1, parts);
  let i = quadStart(n, part, parts);
  if (scale == 1) {
    // Exactly tf.add(y, branch).
    for (; i + 4 <= end; i += 4) v128.store(ptr(out, i), f32x4.add(v128.load(ptr(y, i)), v128.load(ptr(branch, i))));
    for (; i < end; i++) store<f32>(ptr(out, i), load<f32>(ptr(y, i)) + load<f32>(ptr(branch, i)));
    return;
  }
  // Exactly tf.add(y, tf.mul(branch, scale)): two roundings, as wasm SIMD has no fused multiply-add.
  for (; i + 4 <= end; i += 4)
    v128.store(ptr(out, i), f32x4.add(v128.load(ptr(y, i)), f32x4.mul(v128.load(ptr(branch, i)), vs)));
  for (; i < end; i++) store<f32>(ptr(out, i), load<f32>(ptr(y, i)) + load<f32>(ptr(branch, i)) * scale);
}

/**
 * out[r, c] = x[r, c] + row[c]: a bias added to every row (the MLM head's output bias), exactly tf.add's
 * broadcast sum, split by rows.
 */
export function addRowVector(x: usize, row: usize, out: usize, rows: i32, cols: i32, part: i32, parts: i32): void {
  const c4 = cols & ~3;
  for (let r = partStart(rows, part, parts), end = partStart(rows, part + 1, parts); r < end; r++) {
    const xr = ptr(x, r * cols), outr = ptr(out, r * cols);
    let c = 0;
    for (; c < c4; c += 4) v128.store(ptr(outr, c), f32x4.add(v128.load(ptr(xr, c)), v128.load(ptr(row, c))));
    for (; c < cols; c++) store<f32>(ptr(outr, c), load<f32>(ptr(xr, c)) + load<f32>(ptr(row, c)));
  }
}
