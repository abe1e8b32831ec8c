// Each split is encoded once into a token file in the cache, keyed by corpus fingerprint + tokenizer hash +
// split, and reused by every later run. Documents are joined with [SEP] between them (packing), so the
// batcher can cut windows anywhere. Training-token counts are kept for the unigram baseline.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { cacheEntryExists, writeCacheEntry } from '../cache-entry.js';
import type { Corpus } from '../corpus/types.js';
import { DataError } from '../errors.js';
import { isHeldOut, type SplitOptions } from '../split.js';
import { FIRST_ORDINARY_ID, SEP_ID } from '../tokenizer/special-tokens.js';
import type { CachedTokenizer } from '../tokenizer/tokenizer-cache.js';
import { TokenFileWriter, dtypeFor, openTokenFile, type TokenDtype, type TokenSource } from './token-file.js';

const ENCODER_VERSION = 'packed-sep-v1';

const EncodedMetaSchema = z.object({
  dtype: z.enum(['uint16', 'uint32']),
  documents: z.object({ train: z.number().int(), heldOut: z.number().int() }),
  /** Occurrences of each token id in the training split (the unigram baseline's counts). */
  trainCounts: z.array(z.number().int().min(0)),
});
type EncodedMeta = z.output<typeof EncodedMetaSchema>;

export interface EncodedCorpus {
  train: TokenSource;
  heldOut: TokenSource;
  documents: { train: number; heldOut: number };
  trainCounts: Float64Array;
  fromCache: boolean;
  dir: string;
  /** The token files themselves (the GPU renderer route sends their contents once). */
  files: TokenFiles;
}

export interface TokenFiles {
  train: string;
  heldOut: string;
  dtype: TokenDtype;
}

export interface EncodeProgress {
  documents: number;
  tokens: number;
}

export async function loadOrEncodeCorpus(
  corpus: Corpus,
  fingerprint: string,
  tokenizer: CachedTokenizer,
  split: SplitOptions,
  cacheDir: string,
  onProgress?: (progress: EncodeProgress) => void,
): Promise<EncodedCorpus> {
  const key = createHash('sha256')
    .update(JSON.stringify([ENCODER_VERSION, fingerprint, tokenizer.hash, split.seed, split.heldOutFraction]))
    .digest('hex')
    .slice(0, 32);
  const dir = join(cacheDir, 'tokenized', key);
  const fromCache = await cacheEntryExists(dir);
  if (!fromCache) {
    await writeCacheEntry(dir, async (temp) => {
      const meta = await encodeSplits(corpus, tokenizer, split, temp, onProgress);
      await writeFile(join(temp, 'meta.json'), JSON.stringify(meta));
    });
  }
  const meta = EncodedMetaSchema.parse(JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')));
  const files = { train: join(dir, 'train.bin'), heldOut: join(dir, 'heldout.bin'), dtype: meta.dtype };
  return {
    train: openTokenFile(files.train, meta.dtype),
    heldOut: openTokenFile(files.heldOut, meta.dtype),
    documents: meta.documents,
    trainCounts: Float64Array.from(meta.trainCounts),
    fromCache,
    dir,
    files,
  };
}

async function encodeSplits(
  corpus: Corpus,
  { tokenizer }: CachedTokenizer,
  split: SplitOptions,
  dir: string,
  onProgress?: (progress: EncodeProgress) => void,
): Promise<EncodedMeta> {
  const dtype = dtypeFor(tokenizer.vocabSize);
  const train = await TokenFileWriter.create(join(dir, 'train.bin'), dtype);
  const heldOut = await TokenFileWriter.create(join(dir, 'heldout.bin'), dtype);
  const documents = { train: 0, heldOut: 0 };
  const counts = new Array<number>(tokenizer.vocabSize).fill(0);
  const ids: number[] = [];
  for await (const doc of corpus.documents()) {
    const held = isHeldOut(doc.id, split);
    const writer = held ? heldOut : train;
    ids.length = 0;
    if ((held ? documents.heldOut : documents.train) > 0) ids.push(SEP_ID);
    tokenizer.encodeInto(doc.text, ids);
    if (!held) for (const id of ids) counts[id]!++;
    await writer.append(ids);
    if (held) documents.heldOut++;
    else documents.train++;
    onProgress?.({ documents: documents.train + documents.heldOut, tokens: train.length + heldOut.length });
  }
  await Promise.all([train.close(), heldOut.close()]);
  requireBothSplits(corpus.label, documents, split);
  for (let id = 0; id < FIRST_ORDINARY_ID; id++) counts[id] = 0; // specials are never labels
  return { dtype, documents, trainCounts: counts };
}

function requireBothSplits(label: string, documents: EncodedMeta['documents'], split: SplitOptions): void {
  const total = documents.train + documents.heldOut;
  const hint =
    total < 20
      ? ` The corpus has only ${total} document(s): separate documents with blank lines (text file), ` +
        'use more files (folder) or more records (JSONL).'
      : ' Change heldOutFraction or the seed.';
  if (documents.heldOut === 0) {
    throw new DataError(
      `no document fell in the held-out split (heldOutFraction ${split.heldOutFraction}).${hint}`,
      {
        file: label,
      },
    );
  }
  if (documents.train === 0)
    throw new DataError(`every document fell in the held-out split.${hint}`, { file: label });
}
