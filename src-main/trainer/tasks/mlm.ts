// Masked language modelling on a corpus (the built-in State of the Union addresses by default): the data
// comes prepared (data/mlm/dataset.ts), the model is the BERT-style encoder with its head tied to the
// embeddings, the held-out figures from eval/mlm-held-out.ts.
import type { MlmTask, RunConfig } from '../../../shared/config/schema.js';
import { EVAL_MASKING_LABELS } from '../../../shared/metrics.js';
import type { EvalResult } from '../../../shared/trainer-protocol.js';
import type { MlmBatch } from '../data/mlm/batch.js';
import { HeldOutBatches, TrainBatcher } from '../data/mlm/batchers.js';
import type { MlmDataset } from '../data/mlm/dataset.js';
import type { ParameterSet } from '../model/params.js';
import { BertEncoder } from '../model/transformer.js';
import type { StepMask } from '../subnet/index.js';
import { tf, type Tensor } from '../tf.js';
import type { EvalReason, TaskBatch, TrainingTask } from './types.js';
import { runLinearProbe } from '../eval/probes.js';
import { runFinetuneProbe } from '../eval/finetune-probe.js';
import { heldOutEvaluator } from '../eval/mlm-held-out.js';

interface MlmTensors extends TaskBatch {
  inputIds: Tensor;
  positions: Tensor;
  labels: Tensor;
  batchSize: number;
}

function toTensors(batch: MlmBatch): MlmTensors {
  const inputIds = tf.tensor1d(batch.inputIds, 'int32');
  const positions = tf.tensor1d(batch.maskedPositions, 'int32');
  const labels = tf.tensor1d(batch.maskedLabels, 'int32');
  return {
    inputIds,
    positions,
    labels,
    batchSize: batch.batchSize,
    examples: batch.batchSize,
    tokens: batch.batchSize * batch.seqLen,
    predicted: batch.maskedPositions.length,
    dispose: () => tf.dispose([inputIds, positions, labels]),
  };
}

export function createMlmTask(
  config: RunConfig,
  task: MlmTask,
  params: ParameterSet,
  data: MlmDataset,
  log: (message: string) => void,
): TrainingTask<MlmTensors> {
  const { seqLen } = config.model;
  const { batchSize, seed } = config.training;
  const shape = { batchSize, seqLen };
  const masking = { maskProb: task.maskProb, vocabSize: data.vocabSize };
  const train = new TrainBatcher(data.train.source, shape, masking, seed);
  log(
    `corpus ${data.corpusLabel}: ${data.train.source.length} training tokens (${data.train.documents} documents), ` +
      `${data.heldOut.source.length} held-out tokens (${data.heldOut.documents} documents), vocabulary ${data.vocabSize}` +
      `${data.tokenizerFromCache ? ' (tokenizer from cache)' : ''}`,
  );
  // The vocabulary the tokenizer actually learned sizes the embedding and the head.
  const model = new BertEncoder({ ...config.model, vocabSize: data.vocabSize }, params);
  const heldOut = heldOutEvaluator(
    model,
    new HeldOutBatches(data.heldOut.source, shape, masking, seed).batches(task.evalBatches),
    data.unigramLogProbs,
    task.evalMasking,
  );
  log(`held-out MLM evaluation: ${EVAL_MASKING_LABELS[task.evalMasking]}`);
  const { probes } = data;
  if (probes.length > 0)
    log(
      `probes: ${probes.map((p) => `${p.name} (${p.train.texts.length} train, ${p.test.texts.length} test)`).join(', ')}`,
    );
  const runProbes = async (mask: StepMask): Promise<EvalResult[]> => {
    const results: EvalResult[] = [];
    for (const probe of probes)
      results.push(
        ...(task.probes.mode === 'finetune'
          ? await runFinetuneProbe(params, model.shape, probe, mask, task.probes.finetuneSteps, seed)
          : await runLinearProbe(model, probe, mask)),
      );
    return results;
  };

  return {
    modelOverrides: { vocabSize: data.vocabSize },
    facts: {
      corpusFingerprint: data.fingerprint,
      corpus: data.corpusLabel,
      vocabSize: data.vocabSize,
      tokenizerDir: data.tokenizerDir,
    },
    nextBatch: () => toTensors(train.next()),
    loss(batch, mask) {
      return model.mlmLoss(model.hidden(batch.inputIds, batch.batchSize, mask), batch);
    },
    async evaluate(mask: StepMask, reason: EvalReason): Promise<EvalResult[]> {
      const when = task.probes.when;
      const withProbes =
        when === 'every-eval' ||
        (when === 'stage-end' && reason !== 'periodic') ||
        (when === 'final' && reason === 'final');
      return [...(await heldOut(mask)), ...(withProbes ? await runProbes(mask) : [])];
    },
    heldOutBatches: (count) =>
      new HeldOutBatches(data.heldOut.source, shape, masking, seed).batches(count).map(toTensors),
    rngStates: () => ({ data: train.rngState() }),
    restoreRngStates(states) {
      if (states.data) train.restore(states.data);
    },
    dispose: () => data.close(),
  };
}
