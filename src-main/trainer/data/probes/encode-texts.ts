// Probe texts as fixed-shape model inputs. Unlike MLM windows, probe texts have their own lengths (a
// sentiment sentence is ~15 tokens, a SOTU passage ~80), so rows are [CLS] text [SEP] then [PAD], with
// the real length kept for mean pooling. Texts longer than the model's sequence are cut.
import { CLS_ID, PAD_ID, SEP_ID } from '../tokenizer/special-tokens.js';
import type { WordPieceTokenizer } from '../tokenizer/wordpiece.js';

export interface TextBatch {
  batchSize: number;
  seqLen: number;
  /** B*S ids, row-major, [PAD]-filled after each row's [SEP]. */
  inputIds: Int32Array;
  /** Tokens per row including [CLS] and [SEP]; positions from here on are padding. */
  lengths: Int32Array;
  /** Rows that hold real texts; the last batch is topped up with empty rows to keep the shape. */
  count: number;
}

export function encodeTextsForProbe(
  tokenizer: WordPieceTokenizer,
  texts: readonly string[],
  seqLen: number,
  batchSize: number,
): TextBatch[] {
  const batches: TextBatch[] = [];
  for (let first = 0; first < texts.length; first += batchSize) {
    const inputIds = new Int32Array(batchSize * seqLen).fill(PAD_ID);
    const lengths = new Int32Array(batchSize);
    const count = Math.min(batchSize, texts.length - first);
    for (let row = 0; row < batchSize; row++) {
      const ids = row < count ? tokenizer.encode(texts[first + row]!, { addSpecialTokens: false }) : [];
      const kept = ids.slice(0, seqLen - 2);
      inputIds.set([CLS_ID, ...kept, SEP_ID], row * seqLen);
      lengths[row] = kept.length + 2;
    }
    batches.push({ batchSize, seqLen, inputIds, lengths, count });
  }
  return batches;
}
