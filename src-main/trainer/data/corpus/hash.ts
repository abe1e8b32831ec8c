// Fingerprints are sha256 over streamed bytes: a multi-GB corpus is hashed without being held in memory.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { CORPUS_FORMAT_VERSION } from './types.js';

/** A hash already seeded with the corpus format version and the reading options (NUL-separated). */
export function corpusHash(...options: string[]): Hash {
  const hash = createHash('sha256');
  for (const part of [CORPUS_FORMAT_VERSION, ...options]) hash.update(part).update('\0');
  return hash;
}

export async function hashFileInto(hash: Hash, path: string): Promise<void> {
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
}
