// out = y + scale * branch: the residual connection, one pass (and, as a registered kernel, no saved
// copies of its inputs, which tf.add and tf.mul both keep for their gradients).
import { ptr } from './math';
import { quadStart } from './parts';

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
