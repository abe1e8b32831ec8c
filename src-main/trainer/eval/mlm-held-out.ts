// The held-out MLM evaluation. The fixed held-out targets (the same positions and labels at every eval, drawn
// with the run's seed) are scored twice: with [MASK] at every target, so no answer is in the input, and as
// the training rule leaves them (80% [MASK], 10% a random token, 10% unchanged), where a model scores on the
// unchanged tenth by copying its input. Beside them, two baselines on exactly these targets from training
// counts (the unigram loss, the accuracy of always guessing the most frequent token) and the share of
// targets given the model's single most common prediction (1 for a model that says "the" everywhere).
import type { EvalResult } from '../../../shared/trainer-protocol.js';
import { MLM_KEYS, type EvalMasking } from '../../../shared/metrics.js';
import { maskEveryTarget, type MlmBatch } from '../data/mlm/batch.js';
import { frequencyBaselines } from '../data/mlm/unigram.js';
import type { BertEncoder } from '../model/transformer.js';
import type { StepMask } from '../subnet/index.js';
import { tf, type Tensor } from '../tf.js';

/** What one way of hiding the targets scored, summed over the evaluation batches. */
interface Tally {
  nll: number;
  correct: number;
}

/** Summed negative log-likelihood and argmax ids [predicted] of the labels, given one input. */
function score(model: BertEncoder, inputIds: Int32Array, batch: MlmBatch, mask: StepMask, labels: Tensor) {
  const positions = tf.tensor1d(batch.maskedPositions, 'int32');
  const ids = tf.tensor1d(inputIds, 'int32');
  const logits = model.mlmLogits(model.hidden(ids, batch.batchSize, mask), positions);
  const picked = tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(labels, logits.shape[1]!)));
  return { nll: tf.reshape(tf.neg(picked), [1]), argmax: tf.cast(tf.argMax(logits, -1), 'float32') };
}

/**
 * Scores one batch both ways in one readback: [nll every-target, nll training-rule, argmax every-target
 * (predicted), argmax training-rule (predicted)]. Token ids are exact in float32 (vocabularies < 2^24).
 */
async function scoreBatch(model: BertEncoder, batch: MlmBatch, mask: StepMask): Promise<Float32Array> {
  const joined = tf.tidy(() => {
    const labels = tf.tensor1d(batch.maskedLabels, 'int32');
    const every = score(model, maskEveryTarget(batch).inputIds, batch, mask, labels);
    const rule = score(model, batch.inputIds, batch, mask, labels);
    return tf.concat([every.nll, rule.nll, every.argmax, rule.argmax]);
  });
  try {
    return (await joined.data()) as Float32Array;
  } finally {
    joined.dispose();
  }
}

/**
 * The evaluation of a run: `batches` are its fixed held-out batches as the training rule masks them,
 * `logProbs` the unigram distribution of its training tokens, `masking` what eval/mlm_loss and eval/mlm_acc
 * measure (training-rule only for runs that began before every-target existed: they keep their keys).
 */
export function heldOutEvaluator(
  model: BertEncoder,
  batches: readonly MlmBatch[],
  logProbs: Float64Array,
  masking: EvalMasking,
): (mask: StepMask) => Promise<EvalResult[]> {
  const baselines = frequencyBaselines(batches, logProbs);
  return async (mask) => {
    const every: Tally = { nll: 0, correct: 0 };
    const rule: Tally = { nll: 0, correct: 0 };
    const predictions = new Map<number, number>();
    let predicted = 0;
    for (const batch of batches) {
      const values = await scoreBatch(model, batch, mask);
      const n = batch.maskedLabels.length;
      every.nll += values[0]!;
      rule.nll += values[1]!;
      for (let i = 0; i < n; i++) {
        const label = batch.maskedLabels[i]!;
        const guess = values[2 + i]!;
        if (guess === label) every.correct++;
        if (values[2 + n + i] === label) rule.correct++;
        predictions.set(guess, (predictions.get(guess) ?? 0) + 1);
      }
      predicted += n;
    }
    const unigram = { name: MLM_KEYS.unigramLoss, value: baselines.unigramLoss };
    if (masking === 'training-rule')
      return [
        { name: MLM_KEYS.loss, value: rule.nll / predicted },
        { name: MLM_KEYS.acc, value: rule.correct / predicted },
        unigram,
      ];
    return [
      { name: MLM_KEYS.loss, value: every.nll / predicted },
      { name: MLM_KEYS.acc, value: every.correct / predicted },
      { name: MLM_KEYS.lossTrainMasking, value: rule.nll / predicted },
      unigram,
      { name: MLM_KEYS.mostFrequentAcc, value: baselines.mostFrequentAcc },
      { name: MLM_KEYS.topTokenShare, value: Math.max(...predictions.values()) / predicted },
    ];
  };
}
