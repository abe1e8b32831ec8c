// Downstream probes: embed each probe's texts with the full model (mean-pooled final hidden states), fit
// a linear probe on the training texts, and report test accuracy beside the majority-class and
// bag-of-words baselines, which do not depend on the model and are computed once.
import type { MlmTask } from '../../../shared/config/schema.js';
import { Rng } from '../../../shared/rng.js';
import type { EvalResult } from '../../../shared/trainer-protocol.js';
import { probeBaselines, type ProbeBaselines } from '../data/probes/baselines.js';
import { linearProbe } from '../data/probes/classifiers/linear-probe.js';
import { encodeTextsForProbe } from '../data/probes/encode-texts.js';
import { labelledFileProbe } from '../data/probes/labelled-file.js';
import { sentimentProbe } from '../data/probes/sentiment.js';
import { sotuEraProbe, sotuPartyProbe } from '../data/probes/sotu-probes.js';
import { labelsOf, type LabelledText, type ProbeDataset } from '../data/probes/types.js';
import type { WordPieceTokenizer } from '../data/tokenizer/wordpiece.js';
import type { BertEncoder } from '../model/transformer.js';
import type { StepMask } from '../subnet/index.js';
import { tf } from '../tf.js';

/** Rows per forward pass when embedding probe texts: larger batches amortise per-op overhead. */
const EMBED_BATCH = 32;

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

function subsample(items: LabelledText[], max: number, rng: Rng): LabelledText[] {
  return items.length <= max ? items : rng.sample(items, max);
}

/** Sorts texts by length (less padding), encodes them, and trims each batch to its longest row. */
function encodeSplit(tokenizer: WordPieceTokenizer, texts: LabelledText[], seqLen: number): ProbeSplit {
  const lengths = texts.map((t) => tokenizer.encode(t.text, { addSpecialTokens: false }).length);
  const order = texts.map((_, i) => i).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  const sorted = order.map((i) => texts[i]!);
  const batches = encodeTextsForProbe(
    tokenizer,
    sorted.map((t) => t.text),
    seqLen,
    EMBED_BATCH,
  ).map((b) => {
    const rows = b.count;
    const S = Math.max(...Array.from(b.lengths.subarray(0, rows)));
    const inputIds = new Int32Array(rows * S);
    for (let r = 0; r < rows; r++) inputIds.set(b.inputIds.subarray(r * b.seqLen, r * b.seqLen + S), r * S);
    return { inputIds, lengths: b.lengths.slice(0, rows), rows, seqLen: S };
  });
  return { texts: sorted, labels: labelsOf(sorted), batches };
}

async function datasets(task: MlmTask, seed: number): Promise<ProbeDataset[]> {
  const { probes } = task;
  const sotu = { seed, passagesPerSpeech: probes.passagesPerSpeech };
  const out: ProbeDataset[] = [];
  if (probes.era) out.push(sotuEraProbe(sotu));
  if (probes.sentiment) out.push(sentimentProbe());
  if (probes.party) out.push(sotuPartyProbe(sotu));
  if (probes.custom) {
    const { path, name, textField, labelField } = probes.custom;
    out.push(await labelledFileProbe(path, { name, seed, textField, labelField }));
  }
  return out;
}

export async function prepareProbes(
  task: MlmTask,
  tokenizer: WordPieceTokenizer,
  seqLen: number,
  seed: number,
): Promise<PreparedProbe[]> {
  if (task.probes.when === 'never') return [];
  const rng = Rng.stream(seed, 'probes/sample');
  return (await datasets(task, seed)).map((full) => {
    const dataset = {
      ...full,
      train: subsample(full.train, task.probes.maxTrain, rng),
      test: subsample(full.test, task.probes.maxTest, rng),
    };
    return {
      name: dataset.name,
      classes: dataset.classes,
      baselines: probeBaselines(dataset),
      train: encodeSplit(tokenizer, dataset.train, seqLen),
      test: encodeSplit(tokenizer, dataset.test, seqLen),
    };
  });
}

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
