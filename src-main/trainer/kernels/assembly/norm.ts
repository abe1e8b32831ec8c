// LayerNorm over the last axis (rows of `cols` floats), forward and backward, one row at a time while it
// sits in L1. The backward pass recomputes each row's mean and 1/std from x instead of saving them: one
// extra pass over a row is cheaper than two more tensors (and their copies) per LayerNorm in tfjs.
// Threads split rows (the forward pass and dx) and, for dgamma and dbeta (sums over rows), columns: each
// column's sum still runs over the rows in order, so the result does not depend on the thread count.
import { hsum, ptr } from './math';
import { partStart } from './parts';

/** Mean and 1/sqrt(variance + eps) of one row, as tf.moments computes them (two passes). */
@inline function rowStats(row: usize, cols: i32, eps: f32): v128 {
  const c4 = cols & ~3;
  let acc = f32x4.splat(0);
  let j = 0;
  for (; j < c4; j += 4) acc = f32x4.add(acc, v128.load(ptr(row, j)));
  let sum = hsum(acc);
  for (; j < cols; j++) sum += load<f32>(ptr(row, j));
  const mean = sum / <f32>cols;
  const vm = f32x4.splat(mean);
  acc = f32x4.splat(0);
  for (j = 0; j < c4; j += 4) {
    const d = f32x4.sub(v128.load(ptr(row, j)), vm);
    acc = f32x4.add(acc, f32x4.mul(d, d));
  }
  let squares = hsum(acc);
  for (; j < cols; j++) {
    const d = load<f32>(ptr(row, j)) - mean;
    squares += d * d;
  }
  const rstd: f32 = 1 / Mathf.sqrt(squares / <f32>cols + eps);
  return f32x4(mean, rstd, 0, 0);
}

/** y = (x - mean) / sqrt(var + eps) * gamma + beta, per row. */
export function layerNorm(
  x: usize, gamma: usize, beta: usize, y: usize, rows: i32, cols: i32, eps: f32, part: i32, parts: i32,
): void {
  const c4 = cols & ~3;
  for (let r = partStart(rows, part, parts), end = partStart(rows, part + 1, parts); r < end; r++) {
    const xr = ptr(x, r * cols), yr = ptr(y, r * cols);
    const stats = rowStats(xr, cols, eps);
    const mean = f32x4.extract_lane(stats, 0), rstd = f32x4.extract_lane(stats, 1);
    const vm = f32x4.splat(mean), vr = f32x4.splat(rstd);
    let j = 0;
    for (; j < c4; j += 4) {
      const xhat = f32x4.mul(f32x4.sub(v128.load(ptr(xr, j)), vm), vr);
      v128.store(ptr(yr, j), f32x4.add(f32x4.mul(xhat, v128.load(ptr(gamma, j))), v128.load(ptr(beta, j))));
    }
    for (; j < cols; j++)
      store<f32>(ptr(yr, j), (load<f32>(ptr(xr, j)) - mean) * rstd * load<f32>(ptr(gamma, j)) + load<f32>(ptr(beta, j)));
  }
}

/**
 * The backward pass, rows: with xhat = (x - mean) rstd and g = dy * gamma,
 *   dx = rstd (g - mean(g) - xhat mean(g xhat)).
 * Each row's mean and rstd go to stats [rows, 2] for layerNormGradParams.
 */
export function layerNormGradRows(
  x: usize, gamma: usize, dy: usize, dx: usize, stats: usize, rows: i32, cols: i32, eps: f32,
  part: i32, parts: i32,
): void {
  const c4 = cols & ~3;
  for (let r = partStart(rows, part, parts), end = partStart(rows, part + 1, parts); r < end; r++) {
    const xr = ptr(x, r * cols), dyr = ptr(dy, r * cols), dxr = ptr(dx, r * cols);
    const rs = rowStats(xr, cols, eps);
    const mean = f32x4.extract_lane(rs, 0), rstd = f32x4.extract_lane(rs, 1);
    store<f32>(ptr(stats, 2 * r), mean);
    store<f32>(ptr(stats, 2 * r + 1), rstd);
    const vm = f32x4.splat(mean), vr = f32x4.splat(rstd);
    let sg = f32x4.splat(0), sgx = f32x4.splat(0);
    let j = 0;
    for (; j < c4; j += 4) {
      const xhat = f32x4.mul(f32x4.sub(v128.load(ptr(xr, j)), vm), vr);
      const g = f32x4.mul(v128.load(ptr(dyr, j)), v128.load(ptr(gamma, j)));
      sg = f32x4.add(sg, g);
      sgx = f32x4.add(sgx, f32x4.mul(g, xhat));
    }
    let sumG = hsum(sg), sumGX = hsum(sgx);
    for (; j < cols; j++) {
      const xhat = (load<f32>(ptr(xr, j)) - mean) * rstd;
      const g = load<f32>(ptr(dyr, j)) * load<f32>(ptr(gamma, j));
      sumG += g;
      sumGX += g * xhat;
    }
    const meanG = sumG / <f32>cols, meanGX = sumGX / <f32>cols;
    const vmg = f32x4.splat(meanG), vmgx = f32x4.splat(meanGX);
    for (j = 0; j < c4; j += 4) {
      const xhat = f32x4.mul(f32x4.sub(v128.load(ptr(xr, j)), vm), vr);
      const g = f32x4.mul(v128.load(ptr(dyr, j)), v128.load(ptr(gamma, j)));
      const inner = f32x4.sub(f32x4.sub(g, vmg), f32x4.mul(xhat, vmgx));
      v128.store(ptr(dxr, j), f32x4.mul(inner, vr));
    }
    for (; j < cols; j++) {
      const xhat = (load<f32>(ptr(xr, j)) - mean) * rstd;
      const g = load<f32>(ptr(dyr, j)) * load<f32>(ptr(gamma, j));
      store<f32>(ptr(dxr, j), (g - meanG - xhat * meanGX) * rstd);
    }
  }
}

/**
 * The backward pass, parameters: dgamma = sum over rows of dy xhat, dbeta = sum of dy, from the stats
 * layerNormGradRows saved. Threads split the columns in groups of 4; every column sums its rows in order.
 */
export function layerNormGradParams(
  x: usize, dy: usize, stats: usize, dgamma: usize, dbeta: usize, rows: i32, cols: i32, part: i32, parts: i32,
): void {
  const groups = (cols + 3) >> 2;
  const j0 = partStart(groups, part, parts) << 2, j1 = min(cols, partStart(groups, part + 1, parts) << 2);
  if (j0 >= j1) return;
  const c4 = j0 + ((j1 - j0) & ~3);
  memory.fill(ptr(dgamma, j0), 0, <usize>(j1 - j0) << 2);
  memory.fill(ptr(dbeta, j0), 0, <usize>(j1 - j0) << 2);
  for (let r = 0; r < rows; r++) {
    const xr = ptr(x, r * cols), dyr = ptr(dy, r * cols);
    const mean = load<f32>(ptr(stats, 2 * r)), rstd = load<f32>(ptr(stats, 2 * r + 1));
    const vm = f32x4.splat(mean), vr = f32x4.splat(rstd);
    let j = j0;
    for (; j < c4; j += 4) {
      const xhat = f32x4.mul(f32x4.sub(v128.load(ptr(xr, j)), vm), vr);
      const d = v128.load(ptr(dyr, j));
      v128.store(ptr(dgamma, j), f32x4.add(v128.load(ptr(dgamma, j)), f32x4.mul(d, xhat)));
      v128.store(ptr(dbeta, j), f32x4.add(v128.load(ptr(dbeta, j)), d));
    }
    for (; j < j1; j++) {
      const xhat = (load<f32>(ptr(xr, j)) - mean) * rstd;
      const d = load<f32>(ptr(dyr, j));
      store<f32>(ptr(dgamma, j), load<f32>(ptr(dgamma, j)) + d * xhat);
      store<f32>(ptr(dbeta, j), load<f32>(ptr(dbeta, j)) + d);
    }
  }
}
