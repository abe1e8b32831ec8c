// The floor every probe is reported against: always predict the most frequent training class.

export function majorityClass(trainLabels: ArrayLike<number>, classes: number): number {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < trainLabels.length; i++) counts[trainLabels[i]!]!++;
  return counts.indexOf(Math.max(...counts)); // ties go to the lower class index
}

export function majorityBaselineAccuracy(
  trainLabels: ArrayLike<number>,
  testLabels: ArrayLike<number>,
  classes: number,
): number {
  const majority = majorityClass(trainLabels, classes);
  let hits = 0;
  for (let i = 0; i < testLabels.length; i++) if (testLabels[i] === majority) hits++;
  return testLabels.length === 0 ? NaN : hits / testLabels.length;
}

export function accuracy(predicted: ArrayLike<number>, truth: ArrayLike<number>): number {
  let hits = 0;
  for (let i = 0; i < truth.length; i++) if (predicted[i] === truth[i]) hits++;
  return truth.length === 0 ? NaN : hits / truth.length;
}
