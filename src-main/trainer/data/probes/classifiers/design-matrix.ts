// The feature matrices the probe classifiers train on. Logistic regression only ever needs X.W and X^T.G,
// so one interface covers dense model features (n x 128 floats) and sparse bag-of-words counts (a 64-word
// passage touches ~50 of 20,000 columns), and each multiplies in the way that is cheap for it.

export interface DesignMatrix {
  readonly rows: number;
  readonly cols: number;
  /** out[rows x k] = X . w[cols x k] (row-major). */
  multiply(w: Float64Array, k: number, out: Float64Array): void;
  /** out[cols x k] = X^T . g[rows x k] (row-major). */
  multiplyTransposed(g: Float64Array, k: number, out: Float64Array): void;
}

export class DenseMatrix implements DesignMatrix {
  constructor(
    readonly data: Float32Array,
    readonly rows: number,
    readonly cols: number,
  ) {
    if (data.length !== rows * cols)
      throw new Error(`dense matrix needs ${rows * cols} values, got ${data.length}`);
  }

  multiply(w: Float64Array, k: number, out: Float64Array): void {
    out.fill(0);
    for (let r = 0; r < this.rows; r++) {
      const x = r * this.cols;
      for (let c = 0; c < this.cols; c++) {
        const v = this.data[x + c]!;
        if (v === 0) continue;
        for (let j = 0; j < k; j++) out[r * k + j]! += v * w[c * k + j]!;
      }
    }
  }

  multiplyTransposed(g: Float64Array, k: number, out: Float64Array): void {
    out.fill(0);
    for (let r = 0; r < this.rows; r++) {
      const x = r * this.cols;
      for (let c = 0; c < this.cols; c++) {
        const v = this.data[x + c]!;
        if (v === 0) continue;
        for (let j = 0; j < k; j++) out[c * k + j]! += v * g[r * k + j]!;
      }
    }
  }
}

/** Compressed sparse rows: row r's entries are columns[rowStart[r] .. rowStart[r+1]). */
export class SparseMatrix implements DesignMatrix {
  constructor(
    readonly rowStart: Int32Array,
    readonly columns: Int32Array,
    readonly values: Float32Array,
    readonly cols: number,
  ) {}

  get rows(): number {
    return this.rowStart.length - 1;
  }

  multiply(w: Float64Array, k: number, out: Float64Array): void {
    out.fill(0);
    for (let r = 0; r < this.rows; r++) {
      for (let e = this.rowStart[r]!; e < this.rowStart[r + 1]!; e++) {
        const c = this.columns[e]!;
        const v = this.values[e]!;
        for (let j = 0; j < k; j++) out[r * k + j]! += v * w[c * k + j]!;
      }
    }
  }

  multiplyTransposed(g: Float64Array, k: number, out: Float64Array): void {
    out.fill(0);
    for (let r = 0; r < this.rows; r++) {
      for (let e = this.rowStart[r]!; e < this.rowStart[r + 1]!; e++) {
        const c = this.columns[e]!;
        const v = this.values[e]!;
        for (let j = 0; j < k; j++) out[c * k + j]! += v * g[r * k + j]!;
      }
    }
  }
}

/** Per-column mean and standard deviation of the training rows, applied to any rows (train or test). */
export class Standardizer {
  private constructor(
    readonly mean: Float64Array,
    readonly scale: Float64Array,
  ) {}

  static fit(data: Float32Array, rows: number, cols: number): Standardizer {
    const mean = new Float64Array(cols);
    const sq = new Float64Array(cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c]! += data[r * cols + c]!;
    for (let c = 0; c < cols; c++) mean[c]! /= Math.max(1, rows);
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) sq[c]! += (data[r * cols + c]! - mean[c]!) ** 2;
    // A constant column gets scale 1 (it becomes all zeros) rather than a division by zero.
    const scale = sq.map((s) => (s > 0 ? 1 / Math.sqrt(s / Math.max(1, rows)) : 1));
    return new Standardizer(mean, scale);
  }

  apply(data: Float32Array, rows: number): Float32Array {
    const cols = this.mean.length;
    const out = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++)
        out[r * cols + c] = (data[r * cols + c]! - this.mean[c]!) * this.scale[c]!;
    }
    return out;
  }
}
