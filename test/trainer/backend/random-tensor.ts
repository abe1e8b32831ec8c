// Normal-distributed test tensors drawn from a test file's own seeded stream (which the file may also draw
// other values from), so every run of a file sees the same values.
import type { Rng } from '../../../shared/rng.js';
import { tf } from '../../../src-main/trainer/tf.js';

export function randomTensors(rng: Rng): (shape: number[], scale?: number) => tf.Tensor {
  return (shape, scale = 1) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return tf.tensor(
      Float32Array.from({ length: n }, () => scale * rng.normal()),
      shape,
    );
  };
}
