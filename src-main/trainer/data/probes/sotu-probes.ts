// The two probes built on the built-in corpus. Era is learnable from vocabulary (bag-of-words reaches well
// above the majority class); party is hard (bag-of-words barely beats it), which is the point of showing it.
import type { SotuProbeOptions } from './sotu-passages.js';
import { sotuPassageProbe } from './sotu-passages.js';
import type { ProbeDataset } from './types.js';

export const ERA_CLASSES = ['before 1861', '1861-1932', '1933-1980', '1981 on'];

export function eraOfYear(year: number): number {
  if (year < 1861) return 0;
  if (year <= 1932) return 1;
  if (year <= 1980) return 2;
  return 3;
}

export function sotuEraProbe(options: SotuProbeOptions = {}): ProbeDataset {
  return sotuPassageProbe('era', ERA_CLASSES, (s) => eraOfYear(s.year), options);
}

export const PARTY_CLASSES = ['Democratic', 'Republican'];

/** Democratic vs Republican speeches only; Whig, Federalist and the rest are left out. */
export function sotuPartyProbe(options: SotuProbeOptions = {}): ProbeDataset {
  return sotuPassageProbe(
    'party',
    PARTY_CLASSES,
    (s) => {
      const index = PARTY_CLASSES.indexOf(s.party);
      return index < 0 ? undefined : index;
    },
    options,
  );
}
