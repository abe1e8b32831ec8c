// The held-out split is by document (speech, file, block, JSONL record), never by sentence: sentences of one
// speech share topic and phrasing, so splitting inside a document leaks the test set into training.
// Membership is a hash of (seed, document id): stable when documents are added elsewhere, and it needs no
// pass over the corpus to decide.
import { createHash } from 'node:crypto';

export interface SplitOptions {
  seed: number;
  /** Fraction of documents held out, in (0, 1). */
  heldOutFraction: number;
}

/** A uniform number in [0, 1) determined by (seed, id): 48 bits of sha256. */
export function documentHash(seed: number, id: string): number {
  const digest = createHash('sha256').update(`raptr-split\0${seed}\0${id}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

export function isHeldOut(id: string, split: SplitOptions): boolean {
  return documentHash(split.seed, id) < split.heldOutFraction;
}
