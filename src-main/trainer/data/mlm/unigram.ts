// The chance-level baseline shown next to the model's held-out loss: the cross-entropy of predicting every
// masked token from training-token frequencies alone (add-one smoothed over the ordinary tokens, the only
// possible targets). A model that does not beat it has learned nothing about context.
import { FIRST_ORDINARY_ID } from '../tokenizer/special-tokens.js';
import type { MlmBatch } from './batch.js';

export function unigramLogProbs(trainCounts: Float64Array): Float64Array {
  let total = 0;
  for (let id = FIRST_ORDINARY_ID; id < trainCounts.length; id++) total += trainCounts[id]!;
  const denominator = total + (trainCounts.length - FIRST_ORDINARY_ID);
  const logProbs = new Float64Array(trainCounts.length).fill(-Infinity);
  for (let id = FIRST_ORDINARY_ID; id < trainCounts.length; id++) {
    logProbs[id] = Math.log((trainCounts[id]! + 1) / denominator);
  }
  return logProbs;
}

/** Mean negative log-probability (nats) of the masked labels of `batches`. */
export function unigramLoss(batches: Iterable<MlmBatch>, logProbs: Float64Array): number {
  let sum = 0;
  let count = 0;
  for (const batch of batches) {
    for (const label of batch.maskedLabels) {
      sum -= logProbs[label]!;
      count++;
    }
  }
  return count === 0 ? NaN : sum / count;
}
