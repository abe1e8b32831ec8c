// Masked-language-model batches as the engine consumes them, and the BERT masking rule that fills them.
import type { Rng } from '../../../../shared/rng.js';
import { CLS_ID, FIRST_ORDINARY_ID, MASK_ID, SEP_ID } from '../tokenizer/special-tokens.js';
import type { TokenSource } from '../tokens/token-source.js';

export interface MlmBatch {
  batchSize: number;
  seqLen: number;
  /** B*S token ids, row-major; every row is [CLS] ... [SEP] with no padding. */
  inputIds: Int32Array;
  /** Flat indices into B*S of the positions to predict, ascending. */
  maskedPositions: Int32Array;
  /** The original ids at those positions. */
  maskedLabels: Int32Array;
}

export interface MaskingOptions {
  /** Fraction of ordinary (non-special) positions selected per sequence. */
  maskProb: number;
  vocabSize: number;
}

/** Writes [CLS] + tokens[start, start + seqLen - 2) + [SEP] into row `row` of inputIds. */
export function fillWindow(
  source: TokenSource,
  start: number,
  row: number,
  seqLen: number,
  inputIds: Int32Array,
): void {
  const offset = row * seqLen;
  inputIds[offset] = CLS_ID;
  source.read(start, seqLen - 2, inputIds, offset + 1);
  inputIds[offset + seqLen - 1] = SEP_ID;
}

/**
 * BERT masking, in place, drawing only from `rng`. As in Google's create_pretraining_data.py, each sequence
 * gets exactly max(1, round(maskProb * ordinary positions)) targets (not a coin per position), so a batch
 * never has zero targets and the loss is averaged over a steady count. Of the targets, 80% become [MASK],
 * 10% a random ordinary token, 10% stay unchanged. Special tokens ([CLS], [SEP], [UNK]...) are never targets.
 */
export function maskBatch(
  inputIds: Int32Array,
  batchSize: number,
  seqLen: number,
  rng: Rng,
  options: MaskingOptions,
) {
  const candidates = new Int32Array(seqLen);
  const positions: number[] = [];
  const labels: number[] = [];
  const ordinary = options.vocabSize - FIRST_ORDINARY_ID;
  for (let row = 0; row < batchSize; row++) {
    const offset = row * seqLen;
    let n = 0;
    for (let p = offset; p < offset + seqLen; p++) if (inputIds[p]! >= FIRST_ORDINARY_ID) candidates[n++] = p;
    if (n === 0) continue;
    const k = Math.min(n, Math.max(1, Math.round(options.maskProb * n)));
    for (let i = 0; i < k; i++) {
      const j = i + rng.int(n - i); // partial Fisher-Yates: k distinct positions
      const chosen = candidates[j]!;
      candidates[j] = candidates[i]!;
      candidates[i] = chosen;
    }
    const picked = candidates.subarray(0, k).sort();
    for (const p of picked) {
      positions.push(p);
      labels.push(inputIds[p]!);
      const r = rng.next();
      if (r < 0.8) inputIds[p] = MASK_ID;
      else if (r < 0.9) inputIds[p] = FIRST_ORDINARY_ID + rng.int(ordinary);
    }
  }
  return { maskedPositions: Int32Array.from(positions), maskedLabels: Int32Array.from(labels) };
}

/**
 * The same targets with [MASK] at every one of them (a copy; `batch` is untouched): what the held-out
 * evaluation scores, since a target left unchanged by the training rule shows its own answer.
 */
export function maskEveryTarget(batch: MlmBatch): MlmBatch {
  const inputIds = batch.inputIds.slice();
  for (const p of batch.maskedPositions) inputIds[p] = MASK_ID;
  return { ...batch, inputIds };
}
