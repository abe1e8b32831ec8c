// 64-word passages of State of the Union speeches, split by speech (every passage of a speech is on the
// same side), so a probe cannot score by recognising a speech it saw in training.
import { Rng } from '../../../../shared/rng.js';
import { loadSotuSpeeches, type SotuSpeech } from '../corpus/sotu.js';
import { documentHash } from '../split.js';
import type { LabelledText, ProbeDataset } from './types.js';

export interface SotuProbeOptions {
  /** Seeds the speech split and the passage subsample. */
  seed?: number;
  /** Fraction of speeches whose passages form the test set. */
  testFraction?: number;
  /** Words per passage. */
  passageWords?: number;
  /** Keep at most this many passages per speech (a seeded sample), to bound the model's embedding time. */
  passagesPerSpeech?: number;
}

export function sotuPassageProbe(
  name: string,
  classes: string[],
  labelOf: (speech: SotuSpeech) => number | undefined,
  options: SotuProbeOptions,
): ProbeDataset {
  const { seed = 0, testFraction = 0.2, passageWords = 64, passagesPerSpeech = Infinity } = options;
  const rng = Rng.stream(seed, `probe/${name}`);
  const train: LabelledText[] = [];
  const test: LabelledText[] = [];
  for (const speech of loadSotuSpeeches()) {
    const label = labelOf(speech);
    if (label === undefined) continue;
    let passages = splitIntoPassages(speech.text, passageWords);
    if (passages.length > passagesPerSpeech) {
      const keep = rng.sample(
        passages.map((_, i) => i),
        passagesPerSpeech,
      );
      passages = keep.sort((a, b) => a - b).map((i) => passages[i]!);
    }
    const side = documentHash(seed, `probe:${speech.id}`) < testFraction ? test : train;
    for (const text of passages) side.push({ text, label, group: speech.id });
  }
  return { name, classes, train, test };
}

/** Consecutive non-overlapping runs of `words` whitespace-separated words; a shorter tail is dropped. */
export function splitIntoPassages(text: string, words: number): string[] {
  const tokens = text.split(/\s+/).filter((w) => w.length > 0);
  const passages: string[] = [];
  for (let i = 0; i + words <= tokens.length; i += words) passages.push(tokens.slice(i, i + words).join(' '));
  return passages;
}
