import { describe, expect, it } from 'vitest';
import type { MlmBatch } from '../../../src-main/trainer/data/mlm/batch.js';
import { HeldOutBatches, TrainBatcher } from '../../../src-main/trainer/data/mlm/batchers.js';
import { unigramLogProbs, unigramLoss } from '../../../src-main/trainer/data/mlm/unigram.js';
import { CLS_ID, MASK_ID, SEP_ID } from '../../../src-main/trainer/data/tokenizer/special-tokens.js';
import type { TokenSource } from '../../../src-main/trainer/data/tokens/token-file.js';

const VOCAB = 1000;
/** A packed stream where each token is its own position mod a range of ordinary ids, with [SEP] every 50. */
function stream(length: number): TokenSource {
  const ids = Int32Array.from({ length }, (_, i) => (i % 50 === 49 ? SEP_ID : 5 + ((i * 31) % (VOCAB - 5))));
  return {
    length,
    read: (start, count, out, offset) => out.set(ids.subarray(start, start + count), offset),
    close: () => {},
  };
}
const shape = { batchSize: 16, seqLen: 64 };
const masking = { maskProb: 0.15, vocabSize: VOCAB };

function unmasked(batch: MlmBatch): Int32Array {
  const ids = batch.inputIds.slice();
  batch.maskedPositions.forEach((p, i) => (ids[p] = batch.maskedLabels[i]!));
  return ids;
}

describe('MLM batches', () => {
  it('packs windows as [CLS] ... [SEP] with no padding, and masks 15% of ordinary positions', () => {
    const batch = new TrainBatcher(stream(100_000), shape, masking, 1).next();
    expect(batch.inputIds).toHaveLength(16 * 64);
    const original = unmasked(batch);
    for (let row = 0; row < 16; row++) {
      expect(original[row * 64]).toBe(CLS_ID);
      expect(original[row * 64 + 63]).toBe(SEP_ID);
    }
    const positions = Array.from(batch.maskedPositions);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    for (const [i, p] of positions.entries()) {
      expect(original[p]).toBe(batch.maskedLabels[i]);
      expect(original[p]).toBeGreaterThanOrEqual(5); // never [CLS], [SEP], [UNK] ...
    }
    // ~61 ordinary positions per row -> round(0.15 * 61) = 9 targets per row.
    expect(positions.length).toBeGreaterThanOrEqual(16 * 8);
    expect(positions.length).toBeLessThanOrEqual(16 * 10);
  });

  it('replaces 80% of targets by [MASK], 10% by a random ordinary token, keeps 10%', () => {
    const batcher = new TrainBatcher(stream(100_000), shape, masking, 2);
    let masked = 0;
    let random = 0;
    let kept = 0;
    for (let b = 0; b < 200; b++) {
      const batch = batcher.next();
      batch.maskedPositions.forEach((p, i) => {
        const id = batch.inputIds[p]!;
        if (id === MASK_ID) masked++;
        else if (id === batch.maskedLabels[i]) kept++;
        else {
          random++;
          expect(id).toBeGreaterThanOrEqual(5);
          expect(id).toBeLessThan(VOCAB);
        }
      });
    }
    const total = masked + random + kept;
    expect(masked / total).toBeCloseTo(0.8, 1);
    expect(random / total).toBeCloseTo(0.1, 1);
    expect(kept / total).toBeCloseTo(0.1, 1); // includes the ~0.1% random draws that hit the original id
  });

  it('is deterministic per seed and resumes exactly from a saved RNG state', () => {
    const a = new TrainBatcher(stream(100_000), shape, masking, 3);
    const b = new TrainBatcher(stream(100_000), shape, masking, 3);
    a.next();
    b.next();
    const saved = a.rngState();
    const expected = [a.next(), a.next()];
    expect([b.next(), b.next()]).toEqual(expected);
    const resumed = new TrainBatcher(stream(100_000), shape, masking, 99);
    resumed.restore(saved);
    expect([resumed.next(), resumed.next()]).toEqual(expected);
    expect(new TrainBatcher(stream(100_000), shape, masking, 4).next()).not.toEqual(expected[0]);
  });

  it('serves the same fixed held-out batches on every call, covering the stream in order', () => {
    const heldOut = new HeldOutBatches(stream(10_000), shape, masking, 5);
    expect(heldOut.batchCount).toBe(Math.floor(Math.floor(10_000 / 62) / 16));
    const all = heldOut.batches();
    expect(heldOut.batches(3)).toEqual(all.slice(0, 3));
    expect(heldOut.batches(1000)).toHaveLength(heldOut.batchCount);
    const ids = stream(10_000);
    const window = new Int32Array(62);
    ids.read(62 * 17, 62, window, 0); // batch 1, row 1 starts at window 17
    expect(Array.from(unmasked(all[1]!).subarray(64 + 1, 64 + 63))).toEqual(Array.from(window));
  });

  it('computes the unigram baseline from add-one-smoothed training counts', () => {
    const counts = new Float64Array(8);
    counts.set([0, 0, 0, 0, 0, 3, 1, 0]); // ordinary ids 5, 6, 7
    const logProbs = unigramLogProbs(counts);
    expect(Math.exp(logProbs[5]!)).toBeCloseTo(4 / 7);
    expect(Math.exp(logProbs[7]!)).toBeCloseTo(1 / 7);
    const batch = { maskedLabels: Int32Array.from([5, 7]) } as MlmBatch;
    expect(unigramLoss([batch], logProbs)).toBeCloseTo(-(Math.log(4 / 7) + Math.log(1 / 7)) / 2);
  });
});
