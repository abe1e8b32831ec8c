// The fine-tuning probe (an option; the default is the linear probe): a copy of the encoder with a linear
// head on its mean-pooled features, trained on the probe's training texts, scored on its test texts.
// The model being pretrained is not touched.
import type { ModelConfig, OptimizerConfig } from '../../../shared/config/schema.js';
import { Rng } from '../../../shared/rng.js';
import type { EvalResult } from '../../../shared/trainer-protocol.js';
import { accuracy } from '../data/probes/classifiers/majority.js';
import { ParameterSet } from '../model/params.js';
import { BertEncoder } from '../model/transformer.js';
import { AdamW } from '../optim/adamw.js';
import type { StepMask } from '../subnet/index.js';
import { tf, type Tensor } from '../tf.js';
import { probeResults, type PaddedBatch, type PreparedProbe, type ProbeSplit } from './probes.js';

const FINETUNE_OPTIMIZER: OptimizerConfig = {
  kind: 'adamw',
  lr: 1e-4,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0.01,
  warmupSteps: 0,
  decay: 'none',
  minLrRatio: 0,
  gradClip: 1,
};

/** Each batch with the labels of its rows (batches hold consecutive texts of the split). */
function labelledBatches(split: ProbeSplit): Array<{ batch: PaddedBatch; labels: Int32Array }> {
  let offset = 0;
  return split.batches.map((batch) => {
    const labels = split.labels.subarray(offset, offset + batch.rows);
    offset += batch.rows;
    return { batch, labels };
  });
}

export async function runFinetuneProbe(
  source: ParameterSet,
  shape: ModelConfig,
  probe: PreparedProbe,
  mask: StepMask,
  steps: number,
  seed: number,
): Promise<EvalResult[]> {
  const rng = Rng.stream(seed, `probe/finetune/${probe.name}`);
  const params = new ParameterSet(rng);
  const encoder = new BertEncoder(shape, params);
  params.load(new Map(source.all().map((p) => [p.name, p.variable as Tensor])));
  const classes = probe.classes.length;
  const w = params.add('probe.w', 'head', [shape.dModel, classes], { kind: 'normal', std: 0.02 });
  const b = params.add('probe.b', 'head', [classes], { kind: 'zeros' });
  const optimizer = new AdamW(params, FINETUNE_OPTIMIZER);
  const logits = (batch: PaddedBatch) => {
    const ids = tf.tensor1d(batch.inputIds, 'int32');
    const lengths = tf.tensor1d(batch.lengths, 'int32');
    return tf.add(tf.matMul(encoder.pooled(ids, batch.rows, mask, { seqLen: batch.seqLen, lengths }), w), b);
  };
  try {
    const train = labelledBatches(probe.train);
    for (let step = 0; step < steps; step++) {
      const { batch, labels } = train[rng.int(train.length)]!;
      const { value, grads } = tf.variableGrads(
        () =>
          tf.losses.softmaxCrossEntropy(
            tf.oneHot(tf.tensor1d(labels, 'int32'), classes),
            logits(batch),
          ) as tf.Scalar,
      );
      optimizer.apply(
        Object.fromEntries(Object.entries(grads).map(([v, g]) => [params.nameOf(v), g])),
        FINETUNE_OPTIMIZER.lr,
      );
      tf.dispose([value, ...Object.values(grads)]);
    }
    const predictions = new Int32Array(probe.test.labels.length);
    let row = 0;
    for (const { batch } of labelledBatches(probe.test)) {
      const predicted = tf.tidy(() => tf.argMax(logits(batch), -1));
      predictions.set(await predicted.data(), row);
      predicted.dispose();
      row += batch.rows;
    }
    return probeResults(probe.name, accuracy(predictions, probe.test.labels), probe.baselines);
  } finally {
    optimizer.dispose();
    params.dispose();
  }
}
