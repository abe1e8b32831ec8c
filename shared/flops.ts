// FLOPs accounting (RAPTR.md, "FLOPs accounting").
// What is counted: 2 FLOPs per multiply-add of every matrix multiplication, and nothing else. Elementwise
// work (LayerNorm, GELU/ReLU, softmax, residual adds, the mask scale a, dropout) and gathers (embedding
// lookups) are not counted: they are a small, size-independent share of a transformer's cost, and leaving
// them out keeps the numbers comparable with the paper's 24d^2 + 4Sd per token per block.
// Training = 3x forward (the backward pass costs about twice the forward pass).
// Per step: embedding + head + (active blocks) x block, for every example in the batch.
import type { RunConfig } from './config/schema.js';
import { pldExpectedActive } from './pld.js';
import { planStages, stageIndexAt } from './schedule.js';
import type { StagePlan } from './trainer-protocol.js';

/** Forward FLOPs of one example (one sequence for mlm, one input vector for polynomial). */
export interface ForwardFlops {
  embedding: number;
  /** The output head, at the expected number of predicted positions. */
  head: number;
  /** ONE block; multiply by the number of active blocks. */
  block: number;
}

export interface StepFlopsInput {
  activeBlocks: number;
  /** Predicted positions in the whole batch; replaces the expected count (maskProb * S * batch) when given. */
  predictedTokens?: number;
}

/** How many positions of one example the head runs on, on average. */
function expectedPredictionsPerExample(config: RunConfig): number {
  const { task, model } = config;
  // The engine computes the MLM head only where a token is to be predicted.
  return task.kind === 'mlm' ? task.maskProb * model.seqLen : 1;
}

/** Head FLOPs for one predicted position. */
function headFlopsPerPrediction(config: RunConfig): number {
  const { dModel: d, vocabSize: V } = config.model;
  // mlm: transform dense (d x d) then the decoder tied to the embedding (d x V). polynomial: w . LN(y_L).
  return config.task.kind === 'mlm' ? 2 * d * d + 2 * d * V : 2 * d;
}

/**
 * mlm (BERT encoder): block = S x (8d^2 for Q,K,V,O + 4 d ff for the MLP + 4 S d for QK^T and AV);
 * embedding = 0 (a gather); head = maskProb S x (2d^2 + 2 d V).
 * polynomial (residual MLP): embedding = 2 d_in width; block = 4 width ff; head = 2 width.
 */
export function forwardFlopsPerExample(config: RunConfig): ForwardFlops {
  const { task, model } = config;
  const d = model.dModel;
  const ff = model.ffDim;
  const head = headFlopsPerPrediction(config) * expectedPredictionsPerExample(config);
  if (task.kind === 'polynomial') return { embedding: 2 * task.inputDim * d, head, block: 4 * d * ff };
  const S = model.seqLen;
  return { embedding: 0, head, block: S * (8 * d * d + 4 * d * ff + 4 * S * d) };
}

/** Training FLOPs of one optimizer step: 3 x (batch x (embedding + active x block) + head). */
export function trainStepFlops(config: RunConfig, input: StepFlopsInput): number {
  const batch = config.training.batchSize;
  const perExample = forwardFlopsPerExample(config);
  const head =
    input.predictedTokens === undefined
      ? batch * perExample.head
      : input.predictedTokens * headFlopsPerPrediction(config);
  return 3 * (batch * (perExample.embedding + input.activeBlocks * perExample.block) + head);
}

/** What full training spends per step: every one of the L blocks (also the baseline for stacking). */
export function fullStepFlops(config: RunConfig): number {
  return trainStepFlops(config, { activeBlocks: config.model.layers });
}

/**
 * The expected number of active blocks at `step`: PLD sum_i p_i(t); stochastic depth |I| + keepProb (L - |I|);
 * raptr the stage's n_s; stacking the stage's depth; full L. Everything but PLD is constant per stage.
 */
export function expectedActiveAt(config: RunConfig, stages: readonly StagePlan[], step: number): number {
  const { policy } = config;
  if (policy.kind === 'pld') return pldExpectedActive(policy, config.model.layers, step);
  return stages[stageIndexAt(stages, step)]!.expectedActive;
}

/**
 * The paper's "x": full-training FLOPs / expected method FLOPs, at the same steps and tokens.
 * blocksOnly ignores embedding and head: rel = L / sum_s (T_s / T) n_s. `stages` replaces planStages(config).
 * (For PLD the single stage's expectedActive is the run average, so the same sum is exact.)
 */
export function expectedRelativeFlops(
  config: RunConfig,
  options: { blocksOnly?: boolean; stages?: readonly StagePlan[] } = {},
): number {
  const layers = config.model.layers;
  const totalSteps = config.training.steps;
  // An adaptive schedule's stages as they happened (and the rest as planned now), else the plan.
  const expectedBlockSteps = (options.stages ?? planStages(config)).reduce(
    (sum, stage) => sum + (stage.endStep - stage.startStep) * stage.expectedActive,
    0,
  );
  if (options.blocksOnly) return (layers * totalSteps) / expectedBlockSteps;
  const { embedding, head, block } = forwardFlopsPerExample(config);
  const baseline = totalSteps * (embedding + head + layers * block);
  return baseline / (totalSteps * (embedding + head) + expectedBlockSteps * block);
}
