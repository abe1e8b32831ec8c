// The optimizer's arithmetic, in place on the tfjs heap: one call for every variable of a step, split
// between threads, instead of ~10 tensor ops per variable (or, before, one call and one wait per variable:
// ~200 a BERT-mini step, most too small to split, each a handoff). The variables come as a table.
import { ptr } from './math';
import { partStart } from './parts';

/** sumSquaresAll's table: per tensor, its pointer and its length (i32 each). */
const SUM_ENTRY: usize = 8;
/** adamwAll's table: per variable, pointers p, grad (0: zero gradient), m, v; n (i32); wd, bc1, bc2 (f32). */
const ADAMW_ENTRY: usize = 32;

/**
 * sumSquares of each of `count` tensors into out (f64 each). A part takes the tensors that start in its
 * share of all the elements, and sums each whole, so every sum is the same for any number of parts.
 */
export function sumSquaresAll(table: usize, count: i32, out: usize, part: i32, parts: i32): void {
  let total: i64 = 0;
  for (let e = 0; e < count; e++) total += <i64>load<i32>(table + <usize>e * SUM_ENTRY, 4);
  const first = <i64>((total * <i64>part) / <i64>parts), last = <i64>((total * <i64>(part + 1)) / <i64>parts);
  let start: i64 = 0;
  for (let e = 0; e < count; e++) {
    const entry = table + <usize>e * SUM_ENTRY;
    const n = load<i32>(entry, 4);
    if (start >= first && start < last) store<f64>(out + (<usize>e << 3), sumSquares(load<i32>(entry), n));
    start += <i64>n;
  }
}

/** sum of x[i]^2 in f64 (for the global gradient norm used by clipping). */
export function sumSquares(x: usize, n: i32): f64 {
  const n4 = n & ~3;
  let acc = f32x4.splat(0);
  let total: f64 = 0;
  // Flush the f32 accumulator every 4096 elements to keep the f32 partial sums accurate.
  let i = 0;
  while (i < n4) {
    const end = min(i + 4096, n4);
    for (; i < end; i += 4) {
      const v = v128.load(ptr(x, i));
      acc = f32x4.add(acc, f32x4.mul(v, v));
    }
    total += <f64>f32x4.extract_lane(acc, 0) + <f64>f32x4.extract_lane(acc, 1) + <f64>f32x4.extract_lane(acc, 2) + <f64>f32x4.extract_lane(acc, 3);
    acc = f32x4.splat(0);
  }
  for (; i < n; i++) {
    const v = <f64>load<f32>(ptr(x, i));
    total += v * v;
  }
  return total;
}

/**
 * AdamW (decoupled weight decay, as PyTorch's AdamW) on every variable of `table` (ADAMW_ENTRY): with
 * g = gradScale * grad,
 *   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;
 *   p = p - lr * wd * p - lr * (m / bc1) / (sqrt(v / bc2) + eps)
 * where bc1 = 1 - b1^t and bc2 = 1 - b2^t for this variable's own step count t.
 * grad = 0 (a null pointer) means a zero gradient (skippedGrad "zero": momentum still moves the weights).
 * The parts split the units of all variables (groups of 4 floats, a variable's last 1-3 floats as one
 * more), so an element takes the SIMD or the scalar path by its place in its variable, whatever the split.
 */
export function adamwAll(
  table: usize, count: i32, lr: f32, b1: f32, b2: f32, eps: f32, gradScale: f32, part: i32, parts: i32,
): void {
  let total = 0;
  for (let e = 0; e < count; e++) total += (load<i32>(table + <usize>e * ADAMW_ENTRY, 16) + 3) >> 2;
  const first = partStart(total, part, parts), last = partStart(total, part + 1, parts);
  let base = 0;
  for (let e = 0; e < count && base < last; e++) {
    const entry = table + <usize>e * ADAMW_ENTRY;
    const n = load<i32>(entry, 16);
    const units = (n + 3) >> 2;
    const lo = max(first, base), hi = min(last, base + units);
    if (lo < hi) {
      adamwRange(
        load<i32>(entry), load<i32>(entry, 4), load<i32>(entry, 8), load<i32>(entry, 12),
        (lo - base) << 2, min(n, (hi - base) << 2),
        lr, b1, b2, eps, load<f32>(entry, 20), load<f32>(entry, 24), load<f32>(entry, 28), gradScale,
      );
    }
    base += units;
  }
}

/** adamwAll on elements [start, end) of one variable; start is a multiple of 4. */
@inline function adamwRange(
  p: usize, grad: usize, m: usize, v: usize, start: i32, end: i32,
  lr: f32, b1: f32, b2: f32, eps: f32, wd: f32, bc1: f32, bc2: f32, gradScale: f32,
): void {
  const vb1 = f32x4.splat(b1), vb1c = f32x4.splat(1 - b1), vb2 = f32x4.splat(b2), vb2c = f32x4.splat(1 - b2);
  const vscale = f32x4.splat(gradScale), vdecay = f32x4.splat(1 - lr * wd), vstep = f32x4.splat(lr / bc1);
  const vinvbc2 = f32x4.splat(1 / bc2), veps = f32x4.splat(eps);
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const g = grad == 0 ? f32x4.splat(0) : f32x4.mul(v128.load(ptr(grad, i)), vscale);
    const mi = f32x4.add(f32x4.mul(vb1, v128.load(ptr(m, i))), f32x4.mul(vb1c, g));
    const vi = f32x4.add(f32x4.mul(vb2, v128.load(ptr(v, i))), f32x4.mul(vb2c, f32x4.mul(g, g)));
    v128.store(ptr(m, i), mi);
    v128.store(ptr(v, i), vi);
    const denom = f32x4.add(f32x4.sqrt(f32x4.mul(vi, vinvbc2)), veps);
    const pi = f32x4.sub(f32x4.mul(v128.load(ptr(p, i)), vdecay), f32x4.div(f32x4.mul(vstep, mi), denom));
    v128.store(ptr(p, i), pi);
  }
  for (; i < end; i++) {
    const g: f32 = grad == 0 ? 0 : load<f32>(ptr(grad, i)) * gradScale;
    const mi = b1 * load<f32>(ptr(m, i)) + (1 - b1) * g;
    const vi = b2 * load<f32>(ptr(v, i)) + (1 - b2) * g * g;
    store<f32>(ptr(m, i), mi);
    store<f32>(ptr(v, i), vi);
    const denom = Mathf.sqrt(vi / bc2) + eps;
    store<f32>(ptr(p, i), load<f32>(ptr(p, i)) * (1 - lr * wd) - (lr / bc1) * mi / denom);
  }
}
