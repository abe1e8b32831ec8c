// The cpu backend's UnsortedSegmentSum (the gradient of tf.gather) is replaced by a plain loop; it must
// give what the definition says, ids out of range dropped, for values of any trailing shape.
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/trainer/backend/select-backend.js';
import { tf } from '../../../src-main/trainer/tf.js';

beforeAll(async () => {
  expect((await selectBackend('cpu')).name).toBe('cpu');
});

describe('UnsortedSegmentSum on cpu', () => {
  it('sums rows into their segments and drops ids out of range', () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
    const ids = tf.tensor1d([2, 0, 2, 5], 'int32');
    expect(Array.from(tf.unsortedSegmentSum(x, ids, 3).dataSync())).toEqual([3, 4, 0, 0, 6, 8]);
  });

  it('is the gradient of gather, for embeddings and for picking one log-probability per row', () => {
    const table = tf.tensor2d([0, 0, 0, 0, 0, 0], [3, 2]);
    const grad = tf.grad((t: tf.Tensor) =>
      tf.sum(tf.mul(tf.gather(t, tf.tensor1d([1, 1, 2], 'int32')), tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]))),
    )(table);
    expect(Array.from(grad.dataSync())).toEqual([0, 0, 4, 6, 5, 6]);
    const flat = tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, tf.tensor1d([0, 3, 3], 'int32'))))(
      tf.zeros([5]),
    );
    expect(Array.from(flat.dataSync())).toEqual([1, 0, 0, 2, 0]);
  });

  it('leaves integer values to the original kernel', () => {
    const out = tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3], 'int32'), tf.tensor1d([1, 1, 0], 'int32'), 2);
    expect(Array.from(out.dataSync())).toEqual([3, 3]);
  });
});
