// Downstream probes: embed each probe's texts with the full model (mean-pooled final hidden states), fit
// a linear probe on the training texts, and report test accuracy beside the majority-class and
// bag-of-words baselines, which do not depend on the model and are computed once, with the probe
// (data/probes/prepare-probes.ts).
import type { EvalResult } from '../../../shared/trainer-protocol.js';
import type { ProbeBaselines } from '../data/probes/baselines.js';
import { linearProbe } from '../data/probes/classifiers/linear-probe.js';
import type { PreparedProbe, ProbeSplit } from '../data/probes/prepared.js';
import type { BertEncoder } from '../model/transformer.js';
import type { StepMask } from '../subnet/index.js';
import { tf } from '../tf.js';

export type { PaddedBatch, PreparedProbe, ProbeSplit } from '../data/probes/prepared.js';

/** Mean-pooled features of every text of a split: rows x d, row-major, in the split's order. */
export async function embedSplit(
  model: BertEncoder,
  split: ProbeSplit,
  mask: StepMask,
): Promise<Float32Array> {
  const d = model.shape.dModel;
  const out = new Float32Array(split.texts.length * d);
  let row = 0;
  for (const batch of split.batches) {
    const features = tf.tidy(() => {
      const ids = tf.tensor1d(batch.inputIds, 'int32');
      const lengths = tf.tensor1d(batch.lengths, 'int32');
      return model.pooled(ids, batch.rows, mask, { seqLen: batch.seqLen, lengths });
    });
    out.set(await features.data(), row * d);
    features.dispose();
    row += batch.rows;
  }
  return out;
}

export function probeResults(name: string, accuracy: number, baselines: ProbeBaselines): EvalResult[] {
  return [
    { name: `eval/${name}_probe_acc`, value: accuracy },
    { name: `eval/${name}_probe_baseline`, value: baselines.majority },
    { name: `eval/${name}_probe_bow`, value: baselines.bagOfWords },
  ];
}

/** The linear probe: frozen features, logistic regression, test accuracy. */
export async function runLinearProbe(
  model: BertEncoder,
  probe: PreparedProbe,
  mask: StepMask,
): Promise<EvalResult[]> {
  const d = model.shape.dModel;
  const train = { features: await embedSplit(model, probe.train, mask), labels: probe.train.labels };
  const test = { features: await embedSplit(model, probe.test, mask), labels: probe.test.labels };
  const { accuracy } = linearProbe(train, test, d, probe.classes.length);
  return probeResults(probe.name, accuracy, probe.baselines);
}
