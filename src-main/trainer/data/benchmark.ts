// `raptr bench data`: how long the data pipeline takes on the built-in corpus, cold and warm, so a user
// (and we) can see that data is never the bottleneck of a training step.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MlmTaskSchema } from '../../../shared/config/schema.js';
import { sotuCorpus } from './corpus/sotu.js';
import { prepareMlmData } from './prepare.js';
import { isHeldOut } from './split.js';
import { trainTokenizer } from './tokenizer/train-tokenizer.js';

export interface DataBenchmark {
  corpus: string;
  corpusMB: number;
  vocabSize: number;
  fingerprintSeconds: number;
  tokenizerTrainSeconds: number;
  /** Corpus megabytes (UTF-8) tokenized per second by our encoder, cached word splits included. */
  encodeMBps: number;
  encodeSeconds: number;
  tokens: number;
  /** First prepareMlmData (train tokenizer + encode + write cache) and a repeat that hits the cache. */
  prepareColdSeconds: number;
  prepareWarmSeconds: number;
  batchSize: number;
  seqLen: number;
  batchesPerSecond: number;
  batchMs: number;
}

export async function benchmarkData({
  batchSize = 16,
  seqLen = 64,
  vocabSize = 8000,
} = {}): Promise<DataBenchmark> {
  const corpus = sotuCorpus();
  const split = { seed: 0, heldOutFraction: 0.05 };
  const documents = [];
  for await (const doc of corpus.documents()) documents.push(doc);
  const corpusMB = documents.reduce((n, d) => n + Buffer.byteLength(d.text), 0) / 1e6;

  let t = performance.now();
  await corpus.fingerprint();
  const fingerprintSeconds = (performance.now() - t) / 1000;

  t = performance.now();
  const training = documents.filter((d) => !isHeldOut(d.id, split));
  const tokenizer = await trainTokenizer(toAsync(training), {
    vocabSize,
    lowercase: true,
    source: corpus.label,
  });
  const tokenizerTrainSeconds = (performance.now() - t) / 1000;

  t = performance.now();
  const ids: number[] = [];
  for (const doc of documents) tokenizer.encodeInto(doc.text, ids);
  const encodeSeconds = (performance.now() - t) / 1000;

  const cacheDir = await mkdtemp(join(tmpdir(), 'raptr-bench-data-'));
  try {
    const task = MlmTaskSchema.parse({ kind: 'mlm', tokenizer: { vocabSize } });
    const opts = { batchSize, seqLen, seed: 0, cacheDir };
    t = performance.now();
    (await prepareMlmData(task, opts)).close();
    const prepareColdSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    const data = await prepareMlmData(task, opts);
    const prepareWarmSeconds = (performance.now() - t) / 1000;
    for (let i = 0; i < 200; i++) data.train.next(); // warm up the JIT
    const count = 5000;
    t = performance.now();
    for (let i = 0; i < count; i++) data.train.next();
    const batchMs = (performance.now() - t) / count;
    data.close();
    return {
      corpus: corpus.label,
      corpusMB: round(corpusMB),
      vocabSize,
      fingerprintSeconds: round(fingerprintSeconds),
      tokenizerTrainSeconds: round(tokenizerTrainSeconds),
      encodeMBps: round(corpusMB / encodeSeconds),
      encodeSeconds: round(encodeSeconds),
      tokens: ids.length,
      prepareColdSeconds: round(prepareColdSeconds),
      prepareWarmSeconds: round(prepareWarmSeconds),
      batchSize,
      seqLen,
      batchesPerSecond: Math.round(1000 / batchMs),
      batchMs: round(batchMs, 4),
    };
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}

function round(x: number, digits = 3): number {
  return Number(x.toFixed(digits));
}

async function* toAsync<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield await Promise.resolve(item);
}
