// softmax(scale * x) over rows (attention scores), forward and backward, with the SIMD exp: replaces
// tf.mul + tf.softmax and the five ops of their gradients.
import { expS, expV, hsum, ptr } from './math';

export function softmaxRows(x: usize, y: usize, rows: i32, cols: i32, scale: f32): void {
  const c4 = cols & ~3;
  const vs = f32x4.splat(scale);
  for (let r = 0; r < rows; r++) {
    const xr = ptr(x, r * cols), yr = ptr(y, r * cols);
    // y = scale * x first (as tf.mul would store it), then the max-shifted exp, then normalise.
    let vmax = f32x4.splat(-Infinity);
    let j = 0;
    for (; j < c4; j += 4) {
      const v = f32x4.mul(v128.load(ptr(xr, j)), vs);
      v128.store(ptr(yr, j), v);
      // pmax is one instruction; max's NaN and -0 rules cost seven in V8 (softmax 27% slower). A NaN
      // it drops still turns every output NaN through the sum below.
      vmax = f32x4.pmax(vmax, v);
    }
    let top = max(max(f32x4.extract_lane(vmax, 0), f32x4.extract_lane(vmax, 1)), max(f32x4.extract_lane(vmax, 2), f32x4.extract_lane(vmax, 3)));
    for (; j < cols; j++) {
      const v = load<f32>(ptr(xr, j)) * scale;
      store<f32>(ptr(yr, j), v);
      top = max(top, v);
    }
    const vm = f32x4.splat(top);
    let acc = f32x4.splat(0);
    for (j = 0; j < c4; j += 4) {
      const e = expV(f32x4.sub(v128.load(ptr(yr, j)), vm));
      v128.store(ptr(yr, j), e);
      acc = f32x4.add(acc, e);
    }
    let sum = hsum(acc);
    for (; j < cols; j++) {
      const e = expS(load<f32>(ptr(yr, j)) - top);
      store<f32>(ptr(yr, j), e);
      sum += e;
    }
    const inv = f32x4.splat(sum);
    for (j = 0; j < c4; j += 4) v128.store(ptr(yr, j), f32x4.div(v128.load(ptr(yr, j)), inv));
    for (; j < cols; j++) store<f32>(ptr(yr, j), load<f32>(ptr(yr, j)) / sum);
  }
}

/** dx = scale * y * (dy - sum(dy * y)) per row, from the forward output y. */
export function softmaxRowsGrad(y: usize, dy: usize, dx: usize, rows: i32, cols: i32, scale: f32): void {
  const c4 = cols & ~3;
  const vs = f32x4.splat(scale);
  for (let r = 0; r < rows; r++) {
    const yr = ptr(y, r * cols), dyr = ptr(dy, r * cols), dxr = ptr(dx, r * cols);
    let acc = f32x4.splat(0);
    let j = 0;
    for (; j < c4; j += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(ptr(dyr, j)), v128.load(ptr(yr, j))));
    let dot = hsum(acc);
    for (; j < cols; j++) dot += load<f32>(ptr(dyr, j)) * load<f32>(ptr(yr, j));
    const vd = f32x4.splat(dot);
    for (j = 0; j < c4; j += 4) {
      const g = f32x4.mul(f32x4.sub(v128.load(ptr(dyr, j)), vd), v128.load(ptr(yr, j)));
      v128.store(ptr(dxr, j), f32x4.mul(g, vs));
    }
    for (; j < cols; j++) store<f32>(ptr(dxr, j), (load<f32>(ptr(dyr, j)) - dot) * load<f32>(ptr(yr, j)) * scale);
  }
}
