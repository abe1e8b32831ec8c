// Shared fixtures for the data tests: temp folders, and small corpora that keep the suite fast.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { loadSotuSpeeches } from '../../../src-main/trainer/data/corpus/sotu.js';
import type { Corpus, CorpusDocument } from '../../../src-main/trainer/data/corpus/types.js';

const made: string[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh temporary folder, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'raptr-data-'));
  made.push(dir);
  return dir;
}

export async function writeTemp(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(await tempDir(), name);
  await writeFile(path, content);
  return path;
}

/** Every `step`-th State of the Union speech as a corpus: real text, a fraction of the cost. */
export function sotuSubset(step: number): Corpus {
  const speeches = loadSotuSpeeches().filter((_, i) => i % step === 0);
  return {
    label: `sotu every ${step}`,
    async *documents(): AsyncGenerator<CorpusDocument> {
      let index = 0;
      for (const s of speeches) yield { id: s.id, index: index++, text: s.text, file: 'sotu' };
    },
    fingerprint: () => Promise.resolve(`sotu-subset-${step}`),
  };
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Sentences of a text, split after . ? or ! */
export function sentencesOf(text: string): string[] {
  return text.split(/(?<=[.?!])\s+/).filter((s) => s.trim().length > 0);
}

/** A made-up corpus of 120 documents with distinct sentences, so nothing is duplicated by chance. */
export function syntheticText(): string {
  const words =
    'state union nation people congress law year war peace trade money public duty land free'.split(' ');
  const docs: string[] = [];
  for (let d = 0; d < 120; d++) {
    const sentences: string[] = [];
    for (let s = 0; s < 12; s++) {
      const picked = Array.from({ length: 9 }, (_, w) => words[(d * 7 + s * 3 + w * w) % words.length]);
      sentences.push(`Document ${d} sentence ${s}: the ${picked.join(' ')}.`);
    }
    docs.push(sentences.join(' '));
  }
  return docs.join('\n\n');
}
