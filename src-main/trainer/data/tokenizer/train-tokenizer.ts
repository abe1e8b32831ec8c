// Trains a tokenizer from documents: count the normalised words (streamed, one document at a time), then
// learn the WordPiece vocabulary from the counts.
import type { CorpusDocument } from '../corpus/types.js';
import { DataError } from '../errors.js';
import { normalizeForWords, preTokenize } from './normalize.js';
import { trainWordPieceVocab } from './train-vocab.js';
import { WordPieceTokenizer } from './wordpiece.js';

export interface TokenizerTrainingOptions {
  vocabSize: number;
  lowercase: boolean;
  /** The corpus, named in errors. */
  source: string;
  /** Stop counting after this many characters: word statistics settle long before a multi-GB corpus ends. */
  maxChars?: number;
  onProgress?: (charsCounted: number) => void;
}

const DEFAULT_MAX_CHARS = 200_000_000;

export async function trainTokenizer(
  documents: AsyncIterable<CorpusDocument>,
  options: TokenizerTrainingOptions,
): Promise<WordPieceTokenizer> {
  const { vocabSize, lowercase, source, maxChars = DEFAULT_MAX_CHARS, onProgress } = options;
  const counts = new Map<string, number>();
  let chars = 0;
  for await (const doc of documents) {
    for (const word of preTokenize(normalizeForWords(doc.text, { lowercase }))) {
      counts.set(word, (counts.get(word) ?? 0) + 1);
    }
    chars += doc.text.length;
    onProgress?.(chars);
    if (chars >= maxChars) break;
  }
  if (counts.size === 0) throw new DataError('the training documents contain no words', { file: source });
  const vocab = trainWordPieceVocab(counts, { vocabSize, source });
  return new WordPieceTokenizer(vocab, { lowercase });
}
