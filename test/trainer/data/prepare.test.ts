import { describe, expect, it } from 'vitest';
import { MlmTaskSchema, type MlmTask } from '../../../shared/config/schema.js';
import { prepareMlmData } from '../../../src-main/trainer/data/prepare.js';
import { syntheticText, tempDir, writeTemp } from './helpers.js';

function task(path: string, extra: Partial<MlmTask> = {}): MlmTask {
  return MlmTaskSchema.parse({
    kind: 'mlm',
    corpus: { kind: 'text', path },
    tokenizer: { vocabSize: 120 },
    ...extra,
  });
}

describe('prepareMlmData', () => {
  it('prepares batches, a fixed held-out set and the unigram baseline, then reuses the cache', async () => {
    const path = await writeTemp('corpus.txt', syntheticText());
    const cacheDir = await tempDir();
    const opts = { seqLen: 32, batchSize: 4, seed: 7, cacheDir };
    const first = await prepareMlmData(task(path, { heldOutFraction: 0.2 }), opts);
    expect(first.vocabSize).toBe(120);
    expect(first.fromCache).toEqual({ tokenizer: false, tokens: false });
    expect(first.train.documents + first.heldOut.documents).toBe(120);
    expect(first.heldOut.documents).toBeGreaterThan(10);
    const batch = first.train.next();
    expect(batch.inputIds).toHaveLength(4 * 32);
    expect(first.heldOut.batches(2)).toEqual(first.heldOut.batches(2));
    // Frequency alone gets cross-entropy below log(vocabulary); a uniform guess would not.
    expect(first.unigramLoss).toBeGreaterThan(1);
    expect(first.unigramLoss).toBeLessThan(Math.log(115));
    first.close();

    const second = await prepareMlmData(task(path, { heldOutFraction: 0.2 }), opts);
    expect(second.fromCache).toEqual({ tokenizer: true, tokens: true });
    expect(second.fingerprint).toBe(first.fingerprint);
    expect(second.train.next()).toEqual(batch);
    expect(second.unigramLoss).toBe(first.unigramLoss);
    second.close();
  });

  it('fails before training on data that cannot work, naming the file', async () => {
    const cacheDir = await tempDir();
    const opts = { seqLen: 32, batchSize: 4, seed: 0, cacheDir };
    const oneDocument = await writeTemp(
      'one.txt',
      'A single paragraph with no blank lines.\nStill the same one.',
    );
    await expect(
      prepareMlmData(task(oneDocument, { tokenizer: { vocabSize: 64, lowercase: true } }), opts),
    ).rejects.toThrow(/one\.txt/);
    const path = await writeTemp('corpus.txt', syntheticText());
    await expect(
      prepareMlmData(task(path, { tokenizer: { vocabSize: 50_000, lowercase: true } }), opts),
    ).rejects.toThrow(/corpus\.txt: tokenizer\.vocabSize 50000 is larger than this corpus allows/);
    await expect(prepareMlmData(task('/no/such/file.txt'), opts)).rejects.toThrow(
      'the corpus file: not found: /no/such/file.txt',
    );
  });
});
