import { describe, expect, it } from 'vitest';
import { bagOfWordsAccuracy } from '../../../src-main/trainer/data/probes/classifiers/bag-of-words.js';
import {
  DenseMatrix,
  SparseMatrix,
} from '../../../src-main/trainer/data/probes/classifiers/design-matrix.js';
import { linearProbe } from '../../../src-main/trainer/data/probes/classifiers/linear-probe.js';
import { LogisticRegression } from '../../../src-main/trainer/data/probes/classifiers/logistic-regression.js';
import {
  majorityBaselineAccuracy,
  majorityClass,
} from '../../../src-main/trainer/data/probes/classifiers/majority.js';
import { Rng } from '../../../shared/rng.js';

/** Three Gaussian blobs in 5 dimensions (two informative, three noise), features on wildly different scales. */
function blobs(n: number, seed: number) {
  const rng = Rng.stream(seed, 'test/blobs');
  const centers = [
    [0, 0],
    [4, 0],
    [0, 4],
  ];
  const features = new Float32Array(n * 5);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    labels[i] = c;
    features.set(
      [
        (centers[c]![0]! + rng.normal()) * 1000,
        centers[c]![1]! + rng.normal(),
        rng.normal(),
        rng.normal() * 1e-3,
        7,
      ],
      i * 5,
    );
  }
  return { features, labels };
}

describe('probe classifiers', () => {
  it('logistic regression separates classes, deterministically', () => {
    const { features, labels } = blobs(300, 1);
    const x = new DenseMatrix(
      features.map((v, i) => (i % 5 === 0 ? v / 1000 : v)),
      300,
      5,
    );
    const model = LogisticRegression.fit(x, labels, 3, { l2: 1e-3, iterations: 200 });
    const predicted = model.predict(x);
    expect(predicted.filter((p, i) => p === labels[i]).length / 300).toBeGreaterThan(0.95);
    expect(LogisticRegression.fit(x, labels, 3, { l2: 1e-3, iterations: 200 }).scores(x)).toEqual(
      model.scores(x),
    );
  });

  it('the linear probe standardises features, so scale does not matter', () => {
    const train = blobs(300, 2);
    const test = blobs(150, 3);
    const result = linearProbe(train, test, 5, 3);
    expect(result.accuracy).toBeGreaterThan(0.9);
    expect(result.predictions).toHaveLength(150);
  });

  it('dense and sparse matrices multiply alike', () => {
    const dense = new DenseMatrix(Float32Array.from([1, 0, 2, 0, 3, 0]), 2, 3);
    const sparse = new SparseMatrix(
      Int32Array.from([0, 2, 3]),
      Int32Array.from([0, 2, 1]),
      Float32Array.from([1, 2, 3]),
      3,
    );
    const w = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const [a, b] = [new Float64Array(4), new Float64Array(4)];
    dense.multiply(w, 2, a);
    sparse.multiply(w, 2, b);
    expect(b).toEqual(a);
    const [c, d] = [new Float64Array(6), new Float64Array(6)];
    dense.multiplyTransposed(Float64Array.from([1, 2, 3, 4]), 2, c);
    sparse.multiplyTransposed(Float64Array.from([1, 2, 3, 4]), 2, d);
    expect(d).toEqual(c);
  });

  it('majority baseline predicts the most frequent training class', () => {
    expect(majorityClass([0, 1, 1, 2], 3)).toBe(1);
    expect(majorityBaselineAccuracy([0, 1, 1, 2], [1, 1, 0, 2], 3)).toBe(0.5);
  });

  it('bag-of-words learns word cues that generalise to unseen texts', () => {
    const make = (i: number, label: number) => ({
      text: `${label ? 'splendid wonderful' : 'awful dreadful'} item ${i} ${['red', 'blue', 'green'][i % 3]}`,
      label,
      group: `${i}`,
    });
    const train = Array.from({ length: 60 }, (_, i) => make(i, i % 2));
    const test = Array.from({ length: 20 }, (_, i) => make(100 + i, i % 2));
    expect(bagOfWordsAccuracy(train, test, 2)).toBe(1);
  });
});
