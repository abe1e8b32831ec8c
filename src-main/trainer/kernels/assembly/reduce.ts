// Reductions the TensorFlow.js wasm backend does slowly or not at all. Threads split the columns of the
// sums (each column still adds its rows in order, whatever the thread count) and the rows of the gather.
import { ptr } from './math';
import { partStart } from './parts';

/** Columns [start, end) of `part` when `cols` columns are split in groups of 4. */
@inline function columnStart(cols: i32, part: i32, parts: i32): i32 {
  return min(cols, partStart((cols + 3) >> 2, part, parts) << 2);
}

/** out[j] += x row j-range, for columns [j0, j1): SIMD over whole groups of 4, scalar for the tail. */
@inline function addColumns(out: usize, row: usize, j0: i32, j1: i32): void {
  const c4 = j0 + ((j1 - j0) & ~3);
  let j = j0;
  for (; j < c4; j += 4) {
    const po = ptr(out, j);
    v128.store(po, f32x4.add(v128.load(po), v128.load(ptr(row, j))));
  }
  for (; j < j1; j++) store<f32>(ptr(out, j), load<f32>(ptr(out, j)) + load<f32>(ptr(row, j)));
}

/** out[j] = sum_i x[i*cols + j]: a sum over leading axes (bias and LayerNorm gradients). */
export function sumRows(x: usize, out: usize, rows: i32, cols: i32, part: i32, parts: i32): void {
  const j0 = columnStart(cols, part, parts), j1 = columnStart(cols, part + 1, parts);
  if (j0 >= j1) return;
  memory.fill(ptr(out, j0), 0, <usize>(j1 - j0) << 2);
  for (let i = 0; i < rows; i++) addColumns(out, ptr(x, i * cols), j0, j1);
}

/**
 * out[seg[i]] += x[i] for rows of `width` floats; ids outside [0, segments) are dropped, as in
 * tf.unsortedSegmentSum. This is the gradient of tf.gather (embeddings), missing from the wasm backend.
 */
export function segmentSumRows(
  x: usize, ids: usize, out: usize, rows: i32, width: i32, segments: i32, part: i32, parts: i32,
): void {
  const j0 = columnStart(width, part, parts), j1 = columnStart(width, part + 1, parts);
  if (j0 >= j1) return;
  if (j0 == 0 && j1 == width) memory.fill(out, 0, (<usize>segments * <usize>width) << 2);
  else for (let s = 0; s < segments; s++) memory.fill(ptr(out, s * width + j0), 0, <usize>(j1 - j0) << 2);
  for (let i = 0; i < rows; i++) {
    const id = load<i32>(ptr(ids, i));
    if (id < 0 || id >= segments) continue;
    addColumns(ptr(out, id * width), ptr(x, i * width), j0, j1);
  }
}

/**
 * out row i = x row ids[i], rows of `width` floats: tf.gather on axis 0 (embedding lookup). tfjs-wasm's
 * general Gather took ~9 ms for 1024 rows of 128; the caller has checked every id is in range.
 */
export function gatherRows(x: usize, ids: usize, out: usize, rows: i32, width: i32, part: i32, parts: i32): void {
  const bytes = <usize>width << 2;
  for (let i = partStart(rows, part, parts), end = partStart(rows, part + 1, parts); i < end; i++) {
    const id = load<i32>(ptr(ids, i));
    memory.copy(out + <usize>i * bytes, x + <usize>id * bytes, bytes);
  }
}
