// One document API for every corpus kind, so the tokenizer trainer, the encoder and the split never care
// where text came from.

export interface CorpusDocument {
  /** Stable identity used by the held-out split: the same document gets the same id on every run. */
  id: string;
  /** 0-based position in corpus order. */
  index: number;
  text: string;
  /** Where the document starts, for error messages. */
  file: string;
  line?: number;
  /** Extra fields kept with the document (SOTU: year, president, party). */
  meta?: Readonly<Record<string, string | number>>;
}

export interface Corpus {
  /** What a user reads in logs: "State of the Union addresses (built-in)" or a path. */
  readonly label: string;
  /** Documents in a fixed order; empty documents are skipped. Streams: call it again to re-read. */
  documents(): AsyncIterable<CorpusDocument>;
  /** sha256 (hex) of the content and the options that change how it is read; streamed. */
  fingerprint(): Promise<string>;
}

/** Bumped when the way a corpus is read changes, so old cache entries are not reused. */
export const CORPUS_FORMAT_VERSION = 'raptr-corpus-v1';
