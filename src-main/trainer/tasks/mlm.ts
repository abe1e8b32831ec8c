// Masked language modelling on a corpus (the built-in State of the Union addresses by default): the data
// comes from data/prepare.ts, the model is the BERT-style encoder with its head tied to the embeddings, the
// held-out figures from eval/mlm-held-out.ts.
import type { MlmTask, RunConfig } from '../../../shared/config/schema.js';
import { EVAL_MASKING_LABELS } from '../../../shared/metrics.js';
import type { EvalResult } from '../../../shared/trainer-protocol.js';
import { prepareMlmData } from '../data/prepare.js';
import type { MlmBatch } from '../data/mlm/batch.js';
import type { ParameterSet } from '../model/params.js';
import { BertEncoder } from '../model/transformer.js';
import type { StepMask } from '../subnet/index.js';
import { tf, type Tensor } from '../tf.js';
import type { TaskOptions } from './index.js';
import type { EvalReason, TaskBatch, TrainingTask } from './types.js';
import { prepareProbes, runLinearProbe } from '../eval/probes.js';
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

export async function createMlmTask(
  config: RunConfig,
  task: MlmTask,
  params: ParameterSet,
  options: TaskOptions,
): Promise<TrainingTask<MlmTensors>> {
  const { seqLen } = config.model;
  const { batchSize, seed } = config.training;
  const data = await prepareMlmData(task, {
    seqLen,
    batchSize,
    seed,
    cacheDir: options.cacheDir,
    onProgress: (p) => {
      if (p.phase === 'fingerprint') options.log(`reading corpus ${p.corpus}`);
    },
  });
  options.log(
    `corpus ${data.corpusLabel}: ${data.train.tokens} training tokens (${data.train.documents} documents), ` +
      `${data.heldOut.tokens} held-out tokens (${data.heldOut.documents} documents), vocabulary ${data.vocabSize}` +
      `${data.fromCache.tokenizer ? ' (tokenizer from cache)' : ''}`,
  );
  // The vocabulary the tokenizer actually learned sizes the embedding and the head.
  const shape = { ...config.model, vocabSize: data.vocabSize };
  const model = new BertEncoder(shape, params);
  const heldOut = heldOutEvaluator(
    model,
    data.heldOut.batches(task.evalBatches),
    data.unigramLogProbs,
    task.evalMasking,
  );
  options.log(`held-out MLM evaluation: ${EVAL_MASKING_LABELS[task.evalMasking]}`);
  // Probe texts, their encodings and baselines are fixed for the run: prepare them once, up front, so a
  // bad labelled file fails before the first step.
  const probes = await prepareProbes(task, data.tokenizer, seqLen, seed);
  if (probes.length > 0)
    options.log(
      `probes: ${probes.map((p) => `${p.name} (${p.train.texts.length} train, ${p.test.texts.length} test)`).join(', ')}`,
    );
  const runProbes = async (mask: StepMask): Promise<EvalResult[]> => {
    const results: EvalResult[] = [];
    for (const probe of probes)
      results.push(
        ...(task.probes.mode === 'finetune'
          ? await runFinetuneProbe(params, shape, probe, mask, task.probes.finetuneSteps, seed)
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
    nextBatch: () => toTensors(data.train.next()),
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
    rngStates: () => ({ data: data.train.rngState() }),
    restoreRngStates(states) {
      if (states.data) data.train.restore(states.data);
    },
    dispose: () => data.close(),
  };
}
