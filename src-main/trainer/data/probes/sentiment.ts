// Sentence sentiment from the UCI "Sentiment Labelled Sentences" (CC BY 4.0), shipped as test fixtures in
// npm sentiment@5.0.2: 1,000 sentences from each of Amazon, IMDb and Yelp, half positive. Training on two
// domains and testing on the third asks whether the features carry sentiment beyond one domain's words.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { z } from 'zod';
import type { LabelledText, ProbeDataset } from './types.js';

export const SENTIMENT_DOMAINS = ['amazon', 'imdb', 'yelp'] as const;
export type SentimentDomain = (typeof SENTIMENT_DOMAINS)[number];

const FixtureSchema = z.array(
  z.object({ text: z.string(), class: z.union([z.literal(0), z.literal(1), z.null()]) }),
);

export function loadSentimentDomain(domain: SentimentDomain): LabelledText[] {
  const require = createRequire(import.meta.url);
  const path = require.resolve(`sentiment/test/fixtures/${domain}.json`);
  const rows = FixtureSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  // Each fixture ends with an empty {"text": "", "class": null} record; skip it.
  return rows.flatMap((row, i) =>
    row.class === null || row.text.trim() === ''
      ? []
      : [{ text: row.text.trim(), label: row.class, group: `${domain}:${i}` }],
  );
}

export function sentimentProbe({ testDomain = 'yelp' }: { testDomain?: SentimentDomain } = {}): ProbeDataset {
  return {
    name: 'sentiment',
    classes: ['negative', 'positive'],
    train: SENTIMENT_DOMAINS.filter((d) => d !== testDomain).flatMap(loadSentimentDomain),
    test: loadSentimentDomain(testDomain),
  };
}
