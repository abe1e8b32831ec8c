// The chance-level baselines shown next to the model's held-out figures: the cross-entropy of predicting every
// masked token from training-token frequencies alone (add-one smoothed over the ordinary tokens, the only
// possible targets), and the accuracy of always guessing the most frequent one. A model that does not beat
// them has learned nothing about context.
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

export interface FrequencyBaselines {
  /** Mean negative log-probability (nats) of the labels under the unigram distribution. */
  unigramLoss: number;
  /** The most frequent ordinary training token, and the share of labels it is. */
  mostFrequentId: number;
  mostFrequentAcc: number;
}

/** Both baselines over exactly the masked labels of `batches`. */
export function frequencyBaselines(batches: Iterable<MlmBatch>, logProbs: Float64Array): FrequencyBaselines {
  let mostFrequentId = FIRST_ORDINARY_ID;
  for (let id = FIRST_ORDINARY_ID; id < logProbs.length; id++)
    if (logProbs[id]! > logProbs[mostFrequentId]!) mostFrequentId = id;
  const all = [...batches];
  let hits = 0;
  let count = 0;
  for (const batch of all)
    for (const label of batch.maskedLabels) {
      if (label === mostFrequentId) hits++;
      count++;
    }
  return {
    unigramLoss: unigramLoss(all, logProbs),
    mostFrequentId,
    mostFrequentAcc: count === 0 ? NaN : hits / count,
  };
}
