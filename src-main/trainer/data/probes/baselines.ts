// The two reference numbers every probe is shown with. They do not depend on the model, so the eval code
// can compute them once per dataset.
import { bagOfWordsAccuracy, type BagOfWordsOptions } from './classifiers/bag-of-words.js';
import { majorityBaselineAccuracy } from './classifiers/majority.js';
import { labelsOf, type ProbeDataset } from './types.js';

export interface ProbeBaselines {
  majority: number;
  bagOfWords: number;
}

export function probeBaselines(dataset: ProbeDataset, options: BagOfWordsOptions = {}): ProbeBaselines {
  const classes = dataset.classes.length;
  return {
    majority: majorityBaselineAccuracy(labelsOf(dataset.train), labelsOf(dataset.test), classes),
    bagOfWords: bagOfWordsAccuracy(dataset.train, dataset.test, classes, options),
  };
}
