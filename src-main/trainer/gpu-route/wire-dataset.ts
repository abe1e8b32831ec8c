// An MLM run's data as it crosses the MessagePort to the GPU renderer: the token files' contents in their
// own width, sent once; the unigram baseline; the prepared probes. The renderer holds the splits in memory.
import { z } from 'zod';
import type { MlmDataset } from '../data/mlm/dataset.js';
import { InMemoryTokens } from '../data/tokens/token-source.js';
import {
  Float64ArraySchema,
  Int32ArraySchema,
  Uint16ArraySchema,
  Uint32ArraySchema,
} from './typed-arrays.js';

export const MlmDataShapeSchema = z.strictObject({
  seqLen: z.number().int().min(3),
  batchSize: z.number().int().min(1),
  seed: z.number().int(),
});

const TokensSchema = z.union([Uint16ArraySchema, Uint32ArraySchema]);

const ProbeSplitSchema = z.strictObject({
  texts: z.array(z.strictObject({ text: z.string(), label: z.number().int(), group: z.string() })),
  labels: Int32ArraySchema,
  batches: z.array(
    z.strictObject({
      inputIds: Int32ArraySchema,
      lengths: Int32ArraySchema,
      rows: z.number().int().min(0),
      seqLen: z.number().int().min(1),
    }),
  ),
});

export const WireDatasetSchema = z.strictObject({
  corpusLabel: z.string(),
  fingerprint: z.string(),
  vocabSize: z.number().int().min(1),
  tokenizerDir: z.string(),
  tokenizerFromCache: z.boolean(),
  train: z.strictObject({ tokens: TokensSchema, documents: z.number().int().min(0) }),
  heldOut: z.strictObject({ tokens: TokensSchema, documents: z.number().int().min(0) }),
  unigramLogProbs: Float64ArraySchema,
  probes: z.array(
    z.strictObject({
      name: z.string(),
      classes: z.array(z.string()),
      baselines: z.strictObject({ majority: z.number(), bagOfWords: z.number() }),
      train: ProbeSplitSchema,
      test: ProbeSplitSchema,
    }),
  ),
});

export type WireDataset = z.output<typeof WireDatasetSchema>;

/** The splits the GPU renderer sends whole: more than this, and a run should train elsewhere. */
export const MAX_ROUTE_TOKEN_BYTES = 1024 * 1024 * 1024;

/** The engine's view of data that arrived over the port. */
export function datasetFromWire(wire: WireDataset): MlmDataset {
  const { train, heldOut, ...rest } = wire;
  return {
    ...rest,
    train: { source: new InMemoryTokens(train.tokens), documents: train.documents },
    heldOut: { source: new InMemoryTokens(heldOut.tokens), documents: heldOut.documents },
    close: () => {},
  };
}
