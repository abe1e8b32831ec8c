// Softmax cross-entropy for the MLM head, per row of `cols` logits: the log-sum-exp with the SIMD exp, the
// loss and, backward, dlogits in one pass. Replaces logSoftmax + gather + mean and their gradients, whose
// scalar Exp over [predicted, vocab] alone cost ~17 ms per BERT-mini step. Threads split the rows; the mean
// loss is summed afterwards on one thread, in row order, so it does not depend on the thread count.
import { expS, expV, hsum, logF64, ptr } from './math';
import { partStart } from './parts';

/**
 * stats[2r] = max of row r, stats[2r+1] = log sum exp(x - max) (so log p = (x - max) - stats[2r+1], the
 * order tf.logSoftmax uses).
 */
export function softmaxXent(logits: usize, labels: usize, stats: usize, rows: i32, cols: i32, part: i32, parts: i32): void {
  const c4 = cols & ~3;
  for (let r = partStart(rows, part, parts), end = partStart(rows, part + 1, parts); r < end; r++) {
    const row = ptr(logits, r * cols);
    let vmax = f32x4.splat(-Infinity);
    let j = 0;
    // pmax: one instruction instead of seven (see softmax.ts); a NaN still reaches the loss through the sum.
    for (; j < c4; j += 4) vmax = f32x4.pmax(vmax, v128.load(ptr(row, j)));
    let top = max(max(f32x4.extract_lane(vmax, 0), f32x4.extract_lane(vmax, 1)), max(f32x4.extract_lane(vmax, 2), f32x4.extract_lane(vmax, 3)));
    for (; j < cols; j++) top = max(top, load<f32>(ptr(row, j)));
    const vm = f32x4.splat(top);
    let acc = f32x4.splat(0);
    for (j = 0; j < c4; j += 4) acc = f32x4.add(acc, expV(f32x4.sub(v128.load(ptr(row, j)), vm)));
    let sum = hsum(acc);
    for (; j < cols; j++) sum += expS(load<f32>(ptr(row, j)) - top);
    const logSum = <f32>logF64(<f64>sum);
    store<f32>(ptr(stats, 2 * r), top);
    store<f32>(ptr(stats, 2 * r + 1), logSum);
  }
}

/**
 * The mean over rows of -log p[label] from softmaxXent's stats. A label outside [0, cols) contributes
 * nothing (as tf.gather's zero fill would not be a meaningful target either).
 */
export function xentMeanLoss(logits: usize, labels: usize, stats: usize, rows: i32, cols: i32): f64 {
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const top = load<f32>(ptr(stats, 2 * r)), logSum = load<f32>(ptr(stats, 2 * r + 1));
    const label = load<i32>(ptr(labels, r));
    if (label >= 0 && label < cols) total += <f64>(logSum - (load<f32>(ptr(logits, r * cols + label)) - top));
  }
  return rows > 0 ? total / <f64>rows : 0;
}

/** dlogits = scale * (softmax(x) - onehot(label)), scale = d(loss)/rows. */
export function softmaxXentGrad(
  logits: usize, labels: usize, stats: usize, dlogits: usize, rows: i32, cols: i32, scale: f32, part: i32, parts: i32,
): void {
  const c4 = cols & ~3;
  const vs = f32x4.splat(scale);
  for (let r = partStart(rows, part, parts), end = partStart(rows, part + 1, parts); r < end; r++) {
    const row = ptr(logits, r * cols), out = ptr(dlogits, r * cols);
    const top = load<f32>(ptr(stats, 2 * r)), logSum = load<f32>(ptr(stats, 2 * r + 1));
    const vm = f32x4.splat(top), vl = f32x4.splat(logSum);
    let j = 0;
    for (; j < c4; j += 4) v128.store(ptr(out, j), f32x4.mul(expV(f32x4.sub(f32x4.sub(v128.load(ptr(row, j)), vm), vl)), vs));
    for (; j < cols; j++) store<f32>(ptr(out, j), expS(load<f32>(ptr(row, j)) - top - logSum) * scale);
    const label = load<i32>(ptr(labels, r));
    if (label >= 0 && label < cols) store<f32>(ptr(out, label), load<f32>(ptr(out, label)) - scale);
  }
}
