// GELU (tanh approximation, written as x * sigmoid(2c(x + 0.044715 x^3)) exactly as model/layers.ts
// does) and its derivative, in one pass each instead of ~6 tensor ops and their saved copies.
import { expV, ptr, sigmoidV } from './math';
import { quadStart } from './parts';

const A: f32 = 0.044715;
/** 2 sqrt(2 / pi). */
const C: f32 = 1.5957691216057308;

@inline function geluV(x: v128): v128 {
  const inner = f32x4.mul(f32x4.add(x, f32x4.mul(f32x4.mul(f32x4.mul(x, x), x), f32x4.splat(A))), f32x4.splat(C));
  return f32x4.mul(x, sigmoidV(inner));
}

/**
 * d gelu / dx = s + x s (1 - s) C (1 + 3A x^2), with s = sigmoid(u), u = C (x + A x^3); times dy.
 * 1 - s is taken as e s with e = exp(-u), not as a subtraction that cancels when s is near 1.
 */
@inline function geluGradV(x: v128, dy: v128): v128 {
  const one = f32x4.splat(1);
  const x2 = f32x4.mul(x, x);
  const u = f32x4.mul(f32x4.add(x, f32x4.mul(f32x4.mul(x2, x), f32x4.splat(A))), f32x4.splat(C));
  const e = expV(f32x4.neg(u));
  const s = f32x4.div(one, f32x4.add(one, e));
  const slope = f32x4.mul(f32x4.splat(C), f32x4.add(one, f32x4.mul(x2, f32x4.splat(3 * A))));
  const ds = f32x4.mul(f32x4.mul(s, f32x4.mul(e, s)), slope);
  return f32x4.mul(dy, f32x4.add(s, f32x4.mul(x, ds)));
}

export function gelu(x: usize, y: usize, n: i32, part: i32, parts: i32): void {
  const end = quadStart(n, part + 1, parts);
  let i = quadStart(n, part, parts);
  for (; i + 4 <= end; i += 4) v128.store(ptr(y, i), geluV(v128.load(ptr(x, i))));
  for (; i < end; i++) store<f32>(ptr(y, i), f32x4.extract_lane(geluV(f32x4.splat(load<f32>(ptr(x, i)))), 0));
}

export function geluGrad(x: usize, dy: usize, dx: usize, n: i32, part: i32, parts: i32): void {
  const end = quadStart(n, part + 1, parts);
  let i = quadStart(n, part, parts);
  for (; i + 4 <= end; i += 4) v128.store(ptr(dx, i), geluGradV(v128.load(ptr(x, i)), v128.load(ptr(dy, i))));
  for (; i < end; i++) {
    const g = geluGradV(f32x4.splat(load<f32>(ptr(x, i))), f32x4.splat(load<f32>(ptr(dy, i))));
    store<f32>(ptr(dx, i), f32x4.extract_lane(g, 0));
  }
}
