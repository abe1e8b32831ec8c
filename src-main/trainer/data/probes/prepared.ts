// A downstream probe ready for evaluation: its texts encoded into padded batches, labels, and the
// baselines that do not depend on the model. Plain data (typed arrays and strings), so probes prepared
// where the files are (data/probes/prepare-probes.ts) can be sent to the GPU renderer as they are.
import type { ProbeBaselines } from './baselines.js';
import type { LabelledText } from './types.js';

export interface ProbeSplit {
  texts: LabelledText[];
  labels: Int32Array;
  /** Encoded batches, shortest texts first, each cut to its longest row. */
  batches: PaddedBatch[];
}

export interface PaddedBatch {
  inputIds: Int32Array;
  lengths: Int32Array;
  rows: number;
  seqLen: number;
}

export interface PreparedProbe {
  name: string;
  classes: string[];
  baselines: ProbeBaselines;
  train: ProbeSplit;
  test: ProbeSplit;
}
