// The bag-of-words baseline: logistic regression on tf-idf word features of the same passages. If a
// pretrained model's linear probe cannot beat this, its features add nothing a word list does not have.
import type { LabelledText } from '../types.js';
import { labelsOf } from '../types.js';
import { SparseMatrix } from './design-matrix.js';
import { LogisticRegression, type LogisticRegressionOptions } from './logistic-regression.js';
import { accuracy } from './majority.js';

export interface BagOfWordsOptions extends LogisticRegressionOptions {
  /** Keep the words found in at least this many training texts... */
  minDocumentFrequency?: number;
  /** ...and at most this many of them, most frequent first. */
  maxFeatures?: number;
}

const WORD = /\p{L}+(?:'\p{L}+)*|\p{N}+/gu;

export function wordsOf(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** Vocabulary and idf weights learned from the training texts only. */
export class TfIdfVectorizer {
  private constructor(
    private readonly columnOf: Map<string, number>,
    private readonly idf: Float64Array,
  ) {}

  static fit(texts: readonly string[], minDf: number, maxFeatures: number): TfIdfVectorizer {
    const df = new Map<string, number>();
    for (const text of texts)
      for (const word of new Set(wordsOf(text))) df.set(word, (df.get(word) ?? 0) + 1);
    const kept = [...df]
      .filter(([, count]) => count >= minDf)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, maxFeatures);
    // Smoothed idf, as scikit-learn's default: log((1 + n) / (1 + df)) + 1.
    const idf = Float64Array.from(kept, ([, count]) => Math.log((1 + texts.length) / (1 + count)) + 1);
    return new TfIdfVectorizer(new Map(kept.map(([word], i) => [word, i])), idf);
  }

  get features(): number {
    return this.idf.length;
  }

  /** Rows of sublinear tf (1 + log count) times idf, each scaled to unit length. */
  transform(texts: readonly string[]): SparseMatrix {
    const rowStart = new Int32Array(texts.length + 1);
    const columns: number[] = [];
    const values: number[] = [];
    texts.forEach((text, r) => {
      const counts = new Map<number, number>();
      for (const word of wordsOf(text)) {
        const c = this.columnOf.get(word);
        if (c !== undefined) counts.set(c, (counts.get(c) ?? 0) + 1);
      }
      const entries = [...counts].sort((a, b) => a[0] - b[0]);
      const weights = entries.map(([c, n]) => (1 + Math.log(n)) * this.idf[c]!);
      const norm = Math.sqrt(weights.reduce((s, w) => s + w * w, 0)) || 1;
      entries.forEach(([c], i) => {
        columns.push(c);
        values.push(weights[i]! / norm);
      });
      rowStart[r + 1] = columns.length;
    });
    return new SparseMatrix(rowStart, Int32Array.from(columns), Float32Array.from(values), this.features);
  }
}

export function bagOfWordsAccuracy(
  train: readonly LabelledText[],
  test: readonly LabelledText[],
  classes: number,
  options: BagOfWordsOptions = {},
): number {
  const { minDocumentFrequency = 2, maxFeatures = 20_000, l2 = 1e-4, iterations = 300 } = options;
  const vectorizer = TfIdfVectorizer.fit(
    train.map((e) => e.text),
    minDocumentFrequency,
    maxFeatures,
  );
  const model = LogisticRegression.fit(
    vectorizer.transform(train.map((e) => e.text)),
    labelsOf(train),
    classes,
    {
      l2,
      iterations,
    },
  );
  return accuracy(model.predict(vectorizer.transform(test.map((e) => e.text))), labelsOf(test));
}
