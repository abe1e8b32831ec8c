// TensorBoard's smoothing: an exponential moving average debiased like Adam's moments, so the first points
// are not dragged toward zero. Non-finite values are passed through and do not touch the average, and a
// constant series is left as is (debiasing would only add float noise to it).

/** weight in [0, 1): 0 returns the values unchanged, 0.99 smooths heavily. */
export function debiasedEma(values: readonly number[], weight: number): number[] {
  const w = Math.min(Math.max(weight, 0), 0.999);
  if (w === 0 || values.length === 0) return [...values];
  const first = values[0];
  if (values.every((v) => v === first)) return [...values];
  let last = 0;
  let finiteCount = 0;
  return values.map((value) => {
    if (!Number.isFinite(value)) return value;
    last = last * w + (1 - w) * value;
    finiteCount++;
    const debias = 1 - Math.pow(w, finiteCount);
    return last / debias;
  });
}
