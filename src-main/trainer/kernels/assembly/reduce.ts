// Reductions the TensorFlow.js wasm backend does slowly or not at all.

@inline function ptr(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

/** out[j] = sum_i x[i*cols + j]: a sum over leading axes (bias and LayerNorm gradients). */
export function sumRows(x: usize, out: usize, rows: i32, cols: i32): void {
  const c4 = cols & ~3;
  memory.fill(out, 0, <usize>cols << 2);
  for (let i = 0; i < rows; i++) {
    const row = ptr(x, i * cols);
    let j = 0;
    for (; j < c4; j += 4) {
      const po = ptr(out, j);
      v128.store(po, f32x4.add(v128.load(po), v128.load(ptr(row, j))));
    }
    for (; j < cols; j++) store<f32>(ptr(out, j), load<f32>(ptr(out, j)) + load<f32>(ptr(row, j)));
  }
}

/**
 * out[seg[i]] += x[i] for rows of `width` floats; ids outside [0, segments) are dropped, as in
 * tf.unsortedSegmentSum. This is the gradient of tf.gather (embeddings), missing from the wasm backend.
 */
export function segmentSumRows(x: usize, ids: usize, out: usize, rows: i32, width: i32, segments: i32): void {
  const w4 = width & ~3;
  memory.fill(out, 0, (<usize>segments * <usize>width) << 2);
  for (let i = 0; i < rows; i++) {
    const id = load<i32>(ids + (<usize>i << 2));
    if (id < 0 || id >= segments) continue;
    const src = ptr(x, i * width);
    const dst = ptr(out, id * width);
    let j = 0;
    for (; j < w4; j += 4) v128.store(ptr(dst, j), f32x4.add(v128.load(ptr(dst, j)), v128.load(ptr(src, j))));
    for (; j < width; j++) store<f32>(ptr(dst, j), load<f32>(ptr(dst, j)) + load<f32>(ptr(src, j)));
  }
}

/**
 * out row i = x row ids[i], rows of `width` floats: tf.gather on axis 0 (embedding lookup). tfjs-wasm's
 * general Gather took ~9 ms for 1024 rows of 128; the caller has checked every id is in range.
 */
export function gatherRows(x: usize, ids: usize, out: usize, rows: i32, width: i32): void {
  const bytes = <usize>width << 2;
  for (let i = 0; i < rows; i++) {
    const id = load<i32>(ids + (<usize>i << 2));
    memory.copy(out + <usize>i * bytes, x + <usize>id * bytes, bytes);
  }
}
