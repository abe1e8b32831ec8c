// An MLM run's data as the engine consumes it: the tokenized splits, the unigram baseline and the
// prepared probes. Preparing it (reading the corpus, training or loading the tokenizer, the token cache)
// needs files and happens where they are (data/prepare-dataset.ts); the engine only reads it, in Node or
// in the GPU renderer, which gets the same data as arrays (trainer/gpu-route/).
import type { PreparedProbe } from '../probes/prepared.js';
import type { TokenSource } from '../tokens/token-source.js';

export interface MlmDataset {
  corpusLabel: string;
  /** sha256 of the corpus content and reading options: recorded with the run. */
  fingerprint: string;
  /** The vocabulary the tokenizer learned: it sizes the embedding and the head. */
  vocabSize: number;
  /** The folder with tokenizer.json and vocab.txt, on the machine that prepared the data. */
  tokenizerDir: string;
  tokenizerFromCache: boolean;
  train: { source: TokenSource; documents: number };
  heldOut: { source: TokenSource; documents: number };
  /** Log-probabilities of each token from add-one-smoothed training counts (-Infinity for special tokens). */
  unigramLogProbs: Float64Array;
  probes: PreparedProbe[];
  /** Releases open token files. */
  close(): void;
}

/** Batch shape and seed, the part of a run config data preparation depends on. */
export interface MlmDataShape {
  seqLen: number;
  batchSize: number;
  seed: number;
}
