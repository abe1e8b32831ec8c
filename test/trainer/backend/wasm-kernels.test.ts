// Our SIMD kernels replace tfjs-wasm's BatchMatMul, Sum (leading axes) and UnsortedSegmentSum; each must
// give what plain JavaScript arithmetic gives, for every form, odd size and broadcast the model can use.
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/trainer/backend/select-backend.js';
import { tf } from '../../../src-main/trainer/tf.js';
import { randomTensors } from './random-tensor.js';
import { Rng } from '../../../shared/rng.js';

const rng = Rng.stream(7, 'kernel-test');
const random = randomTensors(rng);

/** Naive matMul over the last two dims, with tfjs's transpose and batch-broadcast semantics. */
function referenceMatMul(
  a: tf.Tensor,
  b: tf.Tensor,
  ta: boolean,
  tb: boolean,
): { shape: number[]; values: Float64Array } {
  const as = a.shape,
    bs = b.shape;
  const M = ta ? as.at(-1)! : as.at(-2)!,
    K = ta ? as.at(-2)! : as.at(-1)!,
    N = tb ? bs.at(-2)! : bs.at(-1)!;
  const aBatch = as.slice(0, -2).reduce((x, y) => x * y, 1),
    bBatch = bs.slice(0, -2).reduce((x, y) => x * y, 1);
  const batch = Math.max(aBatch, bBatch);
  const av = a.dataSync(),
    bv = b.dataSync();
  const out = new Float64Array(batch * M * N);
  for (let t = 0; t < batch; t++) {
    const ao = (aBatch === 1 ? 0 : t) * M * K,
      bo = (bBatch === 1 ? 0 : t) * K * N;
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++)
          s += av[ao + (ta ? k * M + i : i * K + k)]! * bv[bo + (tb ? j * K + k : k * N + j)]!;
        out[t * M * N + i * N + j] = s;
      }
  }
  const batchShape = as.length >= bs.length ? as.slice(0, -2) : bs.slice(0, -2);
  return { shape: [...batchShape, M, N], values: out };
}

function expectClose(
  actual: tf.Tensor,
  expected: { shape: number[]; values: ArrayLike<number> },
  tol = 1e-4,
): void {
  expect(actual.shape).toEqual(expected.shape);
  const got = actual.dataSync();
  let worst = 0;
  for (let i = 0; i < got.length; i++)
    worst = Math.max(worst, Math.abs(got[i]! - expected.values[i]!) / (1 + Math.abs(expected.values[i]!)));
  expect(worst).toBeLessThan(tol);
}

beforeAll(async () => {
  const info = await selectBackend('wasm');
  expect(info.device).toContain('RaPTr kernels');
});

describe('BatchMatMul on wasm', () => {
  const shapes: Array<[number, number, number]> = [
    [1, 1, 1],
    [4, 8, 8],
    [13, 7, 21],
    [5, 33, 9],
    [64, 32, 64],
    [3, 130, 17],
    [9, 600, 13], // more than one packed K block
    [4, 0, 5],
  ];
  for (const [M, K, N] of shapes)
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      it(`${M}x${K}x${N} transposeA=${ta} transposeB=${tb}`, () => {
        const a = random(ta ? [K, M] : [M, K]),
          b = random(tb ? [N, K] : [K, N]);
        expectClose(tf.matMul(a, b, ta, tb), referenceMatMul(a, b, ta, tb));
      });
    }

  it('batches and broadcasts a shared right-hand side (attention and dense layers)', () => {
    const a = random([6, 9, 5]),
      b = random([5, 7]);
    expectClose(tf.matMul(a, b), referenceMatMul(a, b, false, false));
    const q = random([2, 3, 10, 4]),
      k = random([2, 3, 10, 4]);
    const scores = tf.matMul(q, k, false, true);
    expectClose(
      scores.reshape([6, 10, 10]),
      referenceMatMul(q.reshape([6, 10, 4]), k.reshape([6, 10, 4]), false, true),
    );
  });

  it('gives the gradient tfjs defines (dA = dC B^T, dB = A^T dC)', () => {
    const a = random([7, 5]),
      b = random([5, 3]);
    const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.matMul(x, y)))([a, b]);
    const ones = tf.ones([7, 3]);
    expectClose(da!, referenceMatMul(ones, b, false, true));
    expectClose(db!, referenceMatMul(a, ones, true, false));
  });
});

describe('Sum, GatherV2 and UnsortedSegmentSum on wasm', () => {
  it('gathers rows (embedding lookup), refuses ids out of range and leaves other axes to tfjs', () => {
    const table = tf.range(0, 12).reshape([4, 3]);
    const rows = tf.gather(
      table,
      tf.tensor2d(
        [
          [3, 0],
          [1, 3],
        ],
        [2, 2],
        'int32',
      ),
    );
    expect(rows.shape).toEqual([2, 2, 3]);
    expect(Array.from(rows.dataSync())).toEqual([9, 10, 11, 0, 1, 2, 3, 4, 5, 9, 10, 11]);
    expect(() => tf.gather(table, tf.tensor1d([4], 'int32'))).toThrow(/not in \[0, 3\]/);
    // An output large enough to grow the wasm heap while the kernel runs (views of it detach then).
    const many = tf.tensor1d(
      Int32Array.from({ length: 3_000_000 }, (_, i) => i % 4),
      'int32',
    );
    const big = tf.gather(table, many).dataSync();
    expect([big[0], big[5], big[big.length - 1]]).toEqual([0, 5, 11]);
    tf.dispose(many);
    expect(Array.from(tf.gather(table, tf.tensor1d([2, 0], 'int32'), 1).dataSync())).toEqual([
      2, 0, 5, 3, 8, 6, 11, 9,
    ]);
  });

  it('sums leading axes fast and leaves other reductions to tfjs', () => {
    const x = random([4, 3, 5]);
    const v = x.dataSync();
    const expected = new Float64Array(5);
    for (let i = 0; i < 12; i++) for (let j = 0; j < 5; j++) expected[j]! += v[i * 5 + j]!;
    expectClose(tf.sum(x, [0, 1]), { shape: [5], values: expected });
    expectClose(tf.sum(x, [0, 1], true), { shape: [1, 1, 5], values: expected });
    const last = tf.sum(x, -1);
    expect(last.shape).toEqual([4, 3]);
    expect(last.dataSync()[0]).toBeCloseTo(v[0]! + v[1]! + v[2]! + v[3]! + v[4]!, 4);
  });

  it('makes the gradient of tf.gather (embeddings) work, dropping out-of-range ids', () => {
    const table = random([6, 3]);
    const ids = tf.tensor1d([1, 4, 1, 0], 'int32');
    const grad = tf.grad((t: tf.Tensor) =>
      tf.sum(tf.mul(tf.gather(t, ids), tf.range(1, 13).reshape([4, 3]))),
    )(table);
    expect(Array.from(grad.dataSync())).toEqual([10, 11, 12, 8, 10, 12, 0, 0, 0, 0, 0, 0, 4, 5, 6, 0, 0, 0]);
    const segments = tf.unsortedSegmentSum(tf.ones([3, 2]), tf.tensor1d([2, -1, 2], 'int32'), 3);
    expect(Array.from(segments.dataSync())).toEqual([0, 0, 0, 0, 2, 2]);
  });
});

describe('Add, Identity and Transpose on wasm', () => {
  it('adds same-shape float32 tensors, and a row vector to every row, exactly as float32 arithmetic does', () => {
    const a = random([7, 9]);
    const b = random([7, 9]);
    const [av, bv] = [a.dataSync(), b.dataSync()];
    expect(Array.from(tf.add(a, b).dataSync())).toEqual(Array.from(av, (x, i) => Math.fround(x + bv[i]!)));
    // The MLM head's bias: [rows, vocab] + [vocab], either way round, with a tail off the groups of 4.
    const row = random([9]);
    const rv = row.dataSync();
    const rowSums = Array.from(av, (x, i) => Math.fround(x + rv[i % 9]!));
    expect(Array.from(tf.add(a, row).dataSync())).toEqual(rowSums);
    expect(Array.from(tf.add(row, a).dataSync())).toEqual(rowSums);
    const wide = tf.add(a, tf.reshape(row, [1, 9]));
    expect(wide.shape).toEqual([7, 9]);
    expect(Array.from(wide.dataSync())).toEqual(rowSums);
    // Other broadcasts and dtypes stay with tfjs.
    const column = random([7, 1]);
    const cv = column.dataSync();
    expect(Array.from(tf.add(a, column).dataSync())).toEqual(
      Array.from(av, (x, i) => Math.fround(x + cv[Math.floor(i / 9)]!)),
    );
    expect(Array.from(tf.add(tf.tensor1d([1, 2], 'int32'), tf.tensor1d([3, 4], 'int32')).dataSync())).toEqual(
      [4, 6],
    );
  });

  it('transposes without moving data when only size-1 axes move, and moves it otherwise', () => {
    const x = random([3, 1, 4]);
    const values = Array.from(x.dataSync());
    const same = tf.transpose(x, [1, 0, 2]);
    expect(same.shape).toEqual([1, 3, 4]);
    expect(Array.from(same.dataSync())).toEqual(values);
    x.dispose();
    expect(Array.from(same.dataSync())).toEqual(values); // the shared data outlives its source
    const swapped = tf.transpose(same, [2, 1, 0]);
    expect(swapped.shape).toEqual([4, 3, 1]);
    expect(Array.from(swapped.dataSync())).toEqual(
      Array.from({ length: 12 }, (_, i) => values[(i % 3) * 4 + Math.floor(i / 3)]),
    );
    tf.dispose([same, swapped]);
  });

  it('gives a clone that outlives its source (the data is shared and counted, not copied)', () => {
    const x = random([5, 4]);
    const values = Array.from(x.dataSync());
    const clone = tf.clone(x);
    x.dispose();
    expect(Array.from(clone.dataSync())).toEqual(values);
    clone.dispose();
  });
});
