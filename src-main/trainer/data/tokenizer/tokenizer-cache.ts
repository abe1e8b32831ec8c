// A trained tokenizer is cached by corpus fingerprint + tokenizer options + split (it is trained on the
// training documents only, so the held-out text stays unseen), so repeated runs skip training.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheEntryExists, writeCacheEntry } from '../cache-entry.js';
import type { Corpus } from '../corpus/types.js';
import { isHeldOut, type SplitOptions } from '../split.js';
import { fromTokenizerJson, toTokenizerJson, toVocabTxt } from './hf-format.js';
import { trainTokenizer } from './train-tokenizer.js';
import type { WordPieceTokenizer } from './wordpiece.js';

/** Bumped whenever training changes the vocabulary it produces, so stale cache entries are ignored. */
const TRAINER_VERSION = 'wordpiece-v1';

export interface TokenizerSpec {
  vocabSize: number;
  lowercase: boolean;
}

export interface CachedTokenizer {
  tokenizer: WordPieceTokenizer;
  /** sha256 of tokenizer.json: identifies the exact vocabulary (keys the tokenized corpus). */
  hash: string;
  /** The folder holding tokenizer.json and vocab.txt (exported with a model). */
  dir: string;
  fromCache: boolean;
}

export async function loadOrTrainTokenizer(
  corpus: Corpus,
  fingerprint: string,
  spec: TokenizerSpec,
  split: SplitOptions,
  cacheDir: string,
  onProgress?: (charsCounted: number) => void,
): Promise<CachedTokenizer> {
  const key = createHash('sha256')
    .update(
      JSON.stringify([
        TRAINER_VERSION,
        fingerprint,
        spec.vocabSize,
        spec.lowercase,
        split.seed,
        split.heldOutFraction,
      ]),
    )
    .digest('hex')
    .slice(0, 32);
  const dir = join(cacheDir, 'tokenizers', key);
  let fromCache = true;
  if (!(await cacheEntryExists(dir))) {
    fromCache = false;
    const tokenizer = await trainTokenizer(trainingDocuments(corpus, split), {
      ...spec,
      source: corpus.label,
      ...(onProgress ? { onProgress } : {}),
    });
    await writeCacheEntry(dir, async (temp) => {
      await writeFile(join(temp, 'tokenizer.json'), toTokenizerJson(tokenizer));
      await writeFile(join(temp, 'vocab.txt'), toVocabTxt(tokenizer));
    });
  }
  const json = await readFile(join(dir, 'tokenizer.json'), 'utf8');
  const hash = createHash('sha256').update(json).digest('hex');
  return { tokenizer: fromTokenizerJson(json), hash, dir, fromCache };
}

async function* trainingDocuments(corpus: Corpus, split: SplitOptions) {
  for await (const doc of corpus.documents()) if (!isHeldOut(doc.id, split)) yield doc;
}
