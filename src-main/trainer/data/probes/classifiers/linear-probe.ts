// The linear probe on frozen model features (e.g. mean-pooled hidden states): standardise with training
// statistics, fit multinomial logistic regression, report test accuracy.
import { DenseMatrix, Standardizer } from './design-matrix.js';
import { LogisticRegression, type LogisticRegressionOptions } from './logistic-regression.js';
import { accuracy } from './majority.js';

export interface FeatureSet {
  /** rows x dim, row-major. */
  features: Float32Array;
  labels: Int32Array;
}

export function linearProbe(
  train: FeatureSet,
  test: FeatureSet,
  dim: number,
  classes: number,
  options: LogisticRegressionOptions = {},
): { accuracy: number; predictions: Int32Array } {
  const trainRows = train.labels.length;
  const testRows = test.labels.length;
  const standardizer = Standardizer.fit(train.features, trainRows, dim);
  const model = LogisticRegression.fit(
    new DenseMatrix(standardizer.apply(train.features, trainRows), trainRows, dim),
    train.labels,
    classes,
    options,
  );
  const predictions = model.predict(
    new DenseMatrix(standardizer.apply(test.features, testRows), testRows, dim),
  );
  return { accuracy: accuracy(predictions, test.labels), predictions };
}
