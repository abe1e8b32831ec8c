import { Tokenizer } from '@huggingface/tokenizers';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isHeldOut } from '../../../src-main/trainer/data/split.js';
import { fromTokenizerJson, toTokenizerJson } from '../../../src-main/trainer/data/tokenizer/hf-format.js';
import { SPECIAL_TOKENS } from '../../../src-main/trainer/data/tokenizer/special-tokens.js';
import { loadOrTrainTokenizer } from '../../../src-main/trainer/data/tokenizer/tokenizer-cache.js';
import { trainTokenizer } from '../../../src-main/trainer/data/tokenizer/train-tokenizer.js';
import { trainWordPieceVocab } from '../../../src-main/trainer/data/tokenizer/train-vocab.js';
import { collect, sentencesOf, sotuSubset, tempDir } from './helpers.js';

const split = { seed: 0, heldOutFraction: 0.2 };

describe('WordPiece vocabulary training', () => {
  it('puts the special tokens first, reaches the vocabulary size exactly and is deterministic', () => {
    const counts = new Map([
      ['the', 50],
      ['then', 20],
      ['there', 12],
      ['other', 9],
      ['thesis', 3],
      ['hat', 7],
    ]);
    const vocab = trainWordPieceVocab(counts, { vocabSize: 25 });
    expect(vocab.slice(0, 5)).toEqual([...SPECIAL_TOKENS]);
    expect(vocab).toHaveLength(25);
    expect(new Set(vocab).size).toBe(25);
    expect(vocab).toContain('the');
    expect(vocab).toContain('##e');
    expect(trainWordPieceVocab(counts, { vocabSize: 25 })).toEqual(vocab);
  });

  it('refuses a vocabulary larger than the corpus allows, naming the corpus', () => {
    const counts = new Map([['tiny', 3]]);
    expect(() => trainWordPieceVocab(counts, { vocabSize: 64, source: 'small.txt' })).toThrow(
      /small\.txt: tokenizer\.vocabSize 64 is larger than this corpus allows/,
    );
  });
});

describe('tokenizer.json and compatibility with Hugging Face', () => {
  it('gives the same ids as @huggingface/tokenizers on 1,000 held-out sentences', async () => {
    const corpus = sotuSubset(4);
    const docs = await collect(corpus.documents());
    const train = docs.filter((d) => !isHeldOut(d.id, split));
    const tokenizer = await trainTokenizer(toAsync(train), {
      vocabSize: 2000,
      lowercase: true,
      source: 'test',
    });
    expect(tokenizer.vocabSize).toBe(2000);
    const hf = new Tokenizer(JSON.parse(toTokenizerJson(tokenizer)) as object, {});
    const sentences = docs.filter((d) => isHeldOut(d.id, split)).flatMap((d) => sentencesOf(d.text));
    expect(sentences.length).toBeGreaterThanOrEqual(1000);
    const sample = sentences.slice(0, 1000);
    const ours = sample.map((s) => tokenizer.encode(s));
    const theirs = sample.map((s) => hf.encode(s).ids);
    expect(ours).toEqual(theirs);
    expect(ours.flat().filter((id) => id === 1).length).toBeLessThan(ours.flat().length * 0.01); // few [UNK]
  });

  it('matches on hand-picked hard cases, cased and uncased, and round-trips through tokenizer.json', async () => {
    const docs = await collect(sotuSubset(20).documents());
    for (const lowercase of [true, false]) {
      const tokenizer = await trainTokenizer(toAsync(docs), { vocabSize: 800, lowercase, source: 'test' });
      const json = toTokenizerJson(tokenizer);
      const hf = new Tokenizer(JSON.parse(json) as object, {});
      const reloaded = fromTokenizerJson(json);
      for (const text of HARD_CASES) {
        expect(tokenizer.encode(text), JSON.stringify(text)).toEqual(hf.encode(text).ids);
        expect(reloaded.encode(text)).toEqual(tokenizer.encode(text));
      }
      expect(tokenizer.decode(tokenizer.encode('The Congress shall assemble.'))).toBe(
        lowercase ? 'the congress shall assemble.' : 'The Congress shall assemble.',
      );
    }
  });

  it('caches the trained tokenizer (tokenizer.json + vocab.txt) by fingerprint and options', async () => {
    const cacheDir = await tempDir();
    const corpus = sotuSubset(20);
    const spec = { vocabSize: 600, lowercase: true };
    const first = await loadOrTrainTokenizer(corpus, 'fp-a', spec, split, cacheDir);
    const again = await loadOrTrainTokenizer(corpus, 'fp-a', spec, split, cacheDir);
    expect([first.fromCache, again.fromCache]).toEqual([false, true]);
    expect(again.hash).toBe(first.hash);
    expect(again.tokenizer.vocab).toEqual(first.tokenizer.vocab);
    const vocabTxt = await readFile(join(first.dir, 'vocab.txt'), 'utf8');
    expect(vocabTxt.split('\n').slice(0, -1)).toEqual(first.tokenizer.vocab);
    const cased = await loadOrTrainTokenizer(corpus, 'fp-a', { ...spec, lowercase: false }, split, cacheDir);
    expect(cased.fromCache).toBe(false);
    expect((await readdir(join(cacheDir, 'tokenizers'))).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });
});

const HARD_CASES = [
  'Fellow-Citizens of the Senate and House of Representatives:',
  'Héllo Wörld naïve café ÅNGSTRÖM',
  'a\u0000b\u0007c\tx\u00a0y zero\u200bwidth',
  '中文字符 and 𠀀 ext',
  '[MASK] is [CLS]ed [SEP][PAD] [UNK]',
  'ＡＢＣ ﬁ İstanbul ΣΑΣ',
  'x'.repeat(120),
  "don't $5,000.00 U.S.A. 1,234th — “quoted”",
  '',
  '   ',
];

async function* toAsync<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield await Promise.resolve(item);
}
