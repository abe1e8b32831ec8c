// The one entry the engine calls for a masked-language-model run: open the corpus, fingerprint it, get the
// tokenizer and the tokenized splits (from the cache when this corpus was seen before), and hand back
// seeded batchers. Every data problem surfaces here, before the first training step.
import type { MlmTask } from '../../../shared/config/schema.js';
import type { RngState } from '../../../shared/rng.js';
import { cacheDir as defaultCacheDir } from '../../paths.js';
import { openCorpus } from './corpus/open-corpus.js';
import { DataError } from './errors.js';
import type { MlmBatch } from './mlm/batch.js';
import { HeldOutBatches, TrainBatcher } from './mlm/batchers.js';
import { unigramLogProbs, unigramLoss } from './mlm/unigram.js';
import { loadOrTrainTokenizer } from './tokenizer/tokenizer-cache.js';
import type { WordPieceTokenizer } from './tokenizer/wordpiece.js';
import { loadOrEncodeCorpus, type TokenFiles } from './tokens/encode-corpus.js';
import type { TokenSource } from './tokens/token-file.js';

export type DataProgress =
  | { phase: 'fingerprint'; corpus: string }
  | { phase: 'tokenizer'; charsCounted: number }
  | { phase: 'encode'; documents: number; tokens: number };

export interface PrepareMlmOptions {
  seqLen: number;
  batchSize: number;
  /** Seeds the held-out split, the training windows and the masks. */
  seed: number;
  /** Default: the app's cache folder (RAPTR_CACHE or <user data>/cache). */
  cacheDir?: string;
  onProgress?: (progress: DataProgress) => void;
}

export interface MlmData {
  tokenizer: WordPieceTokenizer;
  /** Holds tokenizer.json and vocab.txt, for exporting a model in the Hugging Face layout. */
  tokenizerDir: string;
  vocabSize: number;
  /** sha256 of the corpus content and reading options: record it with the run. */
  fingerprint: string;
  corpusLabel: string;
  train: {
    next(): MlmBatch;
    rngState(): RngState;
    restore(state: RngState): void;
    tokens: number;
    documents: number;
    /** The packed training tokens, readable at any offset. */
    source: TokenSource;
  };
  heldOut: {
    /** The first n fixed evaluation batches (all of them by default); identical on every call. */
    batches(n?: number): MlmBatch[];
    batchCount: number;
    tokens: number;
    documents: number;
    source: TokenSource;
  };
  /** Log-probabilities of each token from add-one-smoothed training counts (-Infinity for special tokens). */
  unigramLogProbs: Float64Array;
  /** Held-out unigram cross-entropy (nats) over every evaluation batch: the chance-level line. */
  unigramLoss: number;
  /** Whether the tokenizer and the token files came from the cache. */
  fromCache: { tokenizer: boolean; tokens: boolean };
  /** Where the splits' tokens are stored, and their width. */
  tokenFiles: TokenFiles;
  /** Releases open token files (big corpora are read from disk). */
  close(): void;
}

export async function prepareMlmData(task: MlmTask, opts: PrepareMlmOptions): Promise<MlmData> {
  const { seqLen, batchSize, seed, onProgress } = opts;
  if (seqLen < 3) throw new DataError('seqLen must be at least 3 ([CLS], one token, [SEP])');
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  const split = { seed, heldOutFraction: task.heldOutFraction };
  const corpus = await openCorpus(task.corpus);
  onProgress?.({ phase: 'fingerprint', corpus: corpus.label });
  const fingerprint = await corpus.fingerprint();
  const tokenizer = await loadOrTrainTokenizer(
    corpus,
    fingerprint,
    task.tokenizer,
    split,
    cacheDir,
    (chars) => onProgress?.({ phase: 'tokenizer', charsCounted: chars }),
  );
  const encoded = await loadOrEncodeCorpus(corpus, fingerprint, tokenizer, split, cacheDir, (p) =>
    onProgress?.({ phase: 'encode', ...p }),
  );
  const shape = { batchSize, seqLen };
  const masking = { maskProb: task.maskProb, vocabSize: tokenizer.tokenizer.vocabSize };
  const train = new TrainBatcher(encoded.train, shape, masking, seed);
  const heldOut = new HeldOutBatches(encoded.heldOut, shape, masking, seed);
  if (encoded.train.length < seqLen - 2) {
    throw new DataError(`the training split has ${encoded.train.length} tokens, fewer than one sequence`, {
      file: corpus.label,
    });
  }
  if (heldOut.batchCount === 0) {
    throw new DataError(
      `the held-out split has ${encoded.heldOut.length} tokens, fewer than one batch of ` +
        `${batchSize} x ${seqLen - 2}; raise heldOutFraction or add text`,
      { file: corpus.label },
    );
  }
  const logProbs = unigramLogProbs(encoded.trainCounts);
  return {
    tokenizer: tokenizer.tokenizer,
    tokenizerDir: tokenizer.dir,
    vocabSize: tokenizer.tokenizer.vocabSize,
    fingerprint,
    corpusLabel: corpus.label,
    train: {
      next: () => train.next(),
      rngState: () => train.rngState(),
      restore: (state) => train.restore(state),
      tokens: encoded.train.length,
      documents: encoded.documents.train,
      source: encoded.train,
    },
    heldOut: {
      batches: (n) => heldOut.batches(n),
      batchCount: heldOut.batchCount,
      tokens: encoded.heldOut.length,
      documents: encoded.documents.heldOut,
      source: encoded.heldOut,
    },
    unigramLogProbs: logProbs,
    unigramLoss: unigramLoss(heldOut.iterate(), logProbs),
    fromCache: { tokenizer: tokenizer.fromCache, tokens: encoded.fromCache },
    tokenFiles: encoded.files,
    close() {
      encoded.train.close();
      encoded.heldOut.close();
    },
  };
}
