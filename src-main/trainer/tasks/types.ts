// What the training loop needs from a task (polynomial regression, masked language modelling): batches,
// a loss under a step's mask, and evaluations of the full model. The task owns its model and data.
import type { ModelConfig } from '../../../shared/config/schema.js';
import type { RngState } from '../../../shared/rng.js';
import type { EvalResult } from '../../../shared/trainer-protocol.js';
import type { StepMask } from '../subnet/index.js';
import type { Tensor } from '../tf.js';

export type EvalReason = 'periodic' | 'stage-end' | 'final';

export interface TaskBatch {
  /** Examples (sequences or input vectors) in the batch. */
  examples: number;
  /** Tokens the batch feeds the model (examples for the polynomial task). */
  tokens: number;
  /** Positions the head predicts (MLM: the masked tokens; polynomial: one per example). */
  predicted: number;
  dispose(): void;
}

export interface TrainingTask<B extends TaskBatch = TaskBatch> {
  nextBatch(): B;
  /** The training loss of a batch under a mask, as a scalar; called inside the gradient computation. */
  loss(batch: B, mask: StepMask): Tensor;
  /**
   * Evaluations of the model under `mask` (the full model, a = 1, when the loop calls it). `reason` lets a
   * task run its costlier evaluations (downstream probes) only at stage ends and at the end.
   */
  evaluate(mask: StepMask, reason: EvalReason): Promise<EvalResult[]>;
  /**
   * The first `count` held-out batches as training batches (the same ones on every call; fewer when the
   * held-out data runs out), for the losses the stability monitor scores with loss(). The caller disposes them.
   */
  heldOutBatches(count: number): B[];
  /** The data streams' RNG states, for exact resume. */
  rngStates(): Record<string, RngState>;
  restoreRngStates(states: Record<string, RngState>): void;
  /** Model fields the data decides (the MLM vocabulary is what the tokenizer learned). */
  readonly modelOverrides: Partial<ModelConfig>;
  /** Facts about the data to record with the run (corpus fingerprint, vocabulary size, ...). */
  readonly facts: Record<string, string | number>;
  dispose(): void;
}
