import { describe, expect, it } from 'vitest';
import { MlmTaskSchema } from '../../../shared/config/schema.js';
import { loadSotuSpeeches } from '../../../src-main/trainer/data/corpus/sotu.js';
import { prepareMlmData } from '../../../src-main/trainer/data/prepare.js';
import { documentHash, isHeldOut } from '../../../src-main/trainer/data/split.js';
import { sentencesOf, tempDir } from './helpers.js';

describe('held-out split', () => {
  it('is a deterministic hash of (seed, document id) with about the requested fraction', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `doc:${i}`);
    const held = ids.filter((id) => isHeldOut(id, { seed: 1, heldOutFraction: 0.1 }));
    expect(held.length / ids.length).toBeCloseTo(0.1, 2);
    expect(ids.filter((id) => isHeldOut(id, { seed: 1, heldOutFraction: 0.1 }))).toEqual(held);
    expect(documentHash(1, 'doc:1')).not.toBe(documentHash(2, 'doc:1'));
  });

  it('keeps every held-out speech, and every sentence of it, out of the training tokens', async () => {
    const cacheDir = await tempDir();
    const task = MlmTaskSchema.parse({ kind: 'mlm', tokenizer: { vocabSize: 1500 }, heldOutFraction: 0.05 });
    const data = await prepareMlmData(task, { seqLen: 64, batchSize: 16, seed: 0, cacheDir });
    const split = { seed: 0, heldOutFraction: 0.05 };
    const speeches = loadSotuSpeeches();
    const heldOut = speeches.filter((s) => isHeldOut(s.id, split));
    expect(heldOut).toHaveLength(data.heldOut.documents);
    expect(speeches.length - heldOut.length).toBe(data.train.documents);

    // Decode the whole training token file, cut it into sentences and look up every held-out sentence.
    // Sentences shorter than 10 words ("Thank you.") legitimately recur across speeches.
    const ids = new Int32Array(data.train.tokens);
    data.train.source.read(0, ids.length, ids, 0);
    const trainingSentences = new Set(sentencesOf(data.tokenizer.decode(Array.from(ids))));
    const normalize = (s: string) => data.tokenizer.decode(data.tokenizer.encode(s));
    const longSentences = heldOut
      .flatMap((s) => sentencesOf(s.text))
      .filter((s) => s.split(' ').length >= 10);
    expect(longSentences.length).toBeGreaterThan(1000);
    expect(longSentences.filter((s) => trainingSentences.has(normalize(s)))).toEqual([]);
    // The check has teeth: sentences of training speeches are found the same way.
    const trainSpeech = speeches.find((s) => !isHeldOut(s.id, split))!;
    const trainLong = sentencesOf(trainSpeech.text).filter((s) => s.split(' ').length >= 10);
    const found = trainLong.filter((s) => trainingSentences.has(normalize(s)));
    expect(found.length).toBeGreaterThan(0.9 * trainLong.length);
    data.close();
  });
});
