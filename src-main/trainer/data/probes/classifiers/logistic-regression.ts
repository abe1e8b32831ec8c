// Multinomial logistic regression with an L2 penalty, trained by full-batch accelerated gradient descent
// (Nesterov, with adaptive restart). The step size comes from a bound on the curvature (half the largest
// eigenvalue of X^T X / n, by power iteration) instead of a tuned learning rate, so a probe needs no tuning
// and is deterministic: no random initialisation, no shuffling.
import type { DesignMatrix } from './design-matrix.js';

export interface LogisticRegressionOptions {
  /** Penalty (l2 / 2) * |W|^2 on the weights (not the biases). */
  l2?: number;
  iterations?: number;
}

export class LogisticRegression {
  private constructor(
    /** cols x classes, row-major; the last row is the bias. */
    private readonly params: Float64Array,
    readonly classes: number,
  ) {}

  static fit(
    x: DesignMatrix,
    labels: ArrayLike<number>,
    classes: number,
    options: LogisticRegressionOptions = {},
  ) {
    const { l2 = 1e-3, iterations = 300 } = options;
    const k = classes;
    const size = (x.cols + 1) * k;
    const step = 1 / (0.5 * largestEigenvalue(x) * 1.05 + l2);
    let theta = new Float64Array(size);
    let lookahead = new Float64Array(size);
    const grad = new Float64Array(size);
    let t = 1;
    for (let it = 0; it < iterations; it++) {
      gradient(x, labels, k, lookahead, l2, grad);
      const next = new Float64Array(size);
      for (let i = 0; i < size; i++) next[i] = lookahead[i]! - step * grad[i]!;
      // Restart the momentum when it points uphill (O'Donoghue & Candes 2015).
      let uphill = 0;
      for (let i = 0; i < size; i++) uphill += grad[i]! * (next[i]! - theta[i]!);
      const tNext = uphill > 0 ? 1 : (1 + Math.sqrt(1 + 4 * t * t)) / 2;
      const momentum = uphill > 0 ? 0 : (t - 1) / tNext;
      lookahead = new Float64Array(size);
      for (let i = 0; i < size; i++) lookahead[i] = next[i]! + momentum * (next[i]! - theta[i]!);
      theta = next;
      t = tNext;
    }
    return new LogisticRegression(theta, k);
  }

  /** Class scores (logits), rows x classes. */
  scores(x: DesignMatrix): Float64Array {
    const k = this.classes;
    const out = new Float64Array(x.rows * k);
    x.multiply(this.params, k, out); // the bias row is beyond x.cols and ignored by multiply
    const bias = this.params.subarray(x.cols * k);
    for (let r = 0; r < x.rows; r++) for (let j = 0; j < k; j++) out[r * k + j]! += bias[j]!;
    return out;
  }

  predict(x: DesignMatrix): Int32Array {
    const k = this.classes;
    const scores = this.scores(x);
    const out = new Int32Array(x.rows);
    for (let r = 0; r < x.rows; r++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (scores[r * k + j]! > scores[r * k + best]!) best = j;
      out[r] = best;
    }
    return out;
  }
}

/** Gradient of the mean cross-entropy plus the L2 term, written into `out`. */
function gradient(
  x: DesignMatrix,
  labels: ArrayLike<number>,
  k: number,
  params: Float64Array,
  l2: number,
  out: Float64Array,
): void {
  const n = x.rows;
  const logits = new Float64Array(n * k);
  x.multiply(params, k, logits);
  const bias = params.subarray(x.cols * k);
  for (let r = 0; r < n; r++) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, (logits[r * k + j]! += bias[j]!));
    let sum = 0;
    for (let j = 0; j < k; j++) sum += logits[r * k + j] = Math.exp(logits[r * k + j]! - max);
    for (let j = 0; j < k; j++) logits[r * k + j] = logits[r * k + j]! / sum / n;
    logits[r * k + labels[r]!]! -= 1 / n; // (softmax - onehot) / n
  }
  const weights = out.subarray(0, x.cols * k);
  x.multiplyTransposed(logits, k, weights);
  for (let i = 0; i < weights.length; i++) weights[i]! += l2 * params[i]!;
  const biasGrad = out.subarray(x.cols * k);
  biasGrad.fill(0);
  for (let r = 0; r < n; r++) for (let j = 0; j < k; j++) biasGrad[j]! += logits[r * k + j]!;
}

/** Largest eigenvalue of [X 1]^T [X 1] / n by power iteration from a fixed start (deterministic). */
function largestEigenvalue(x: DesignMatrix): number {
  const n = Math.max(1, x.rows);
  let v = new Float64Array(x.cols + 1).fill(1 / Math.sqrt(x.cols + 1));
  const xv = new Float64Array(x.rows);
  let lambda = 1;
  for (let it = 0; it < 50; it++) {
    x.multiply(v, 1, xv);
    for (let r = 0; r < x.rows; r++) xv[r]! += v[x.cols]!;
    const next = new Float64Array(x.cols + 1);
    x.multiplyTransposed(xv, 1, next);
    let total = 0;
    for (let r = 0; r < x.rows; r++) total += xv[r]!;
    next[x.cols] = total;
    let norm = 0;
    for (let i = 0; i < next.length; i++) norm += (next[i]! /= n) ** 2;
    lambda = Math.sqrt(norm);
    if (lambda === 0) return 1;
    v = next.map((e) => e / lambda);
  }
  return lambda;
}
