// How much memory a run needs, from its config alone: the parameters, their gradients, AdamW's two moments,
// and the activations one training step keeps for its backward pass (every block active: the worst step).
// Pure, so the CLI, runs:create and a GPU backend (for its buffer limits) ask the same question before the
// first step, rather than finding out when a process dies at 4 GB. An estimate, not a measurement: float32
// tensors as the model's code creates them, with the per-block activation counts fitted to the peak
// memory of real trainers (wasm backend: within about 10% for polynomial runs of 0.5-3 GB and BERT-mini at
// batch 16 and 64), and test/shared/memory-estimate.test.ts checks the parameter count against the model.
import type { RunConfig } from './config/schema.js';

const FLOAT32 = 4;
const RUNTIME_BYTES = 128e6;

export interface MemoryEstimate {
  parameterCount: number;
  bytes: {
    parameters: number;
    gradients: number;
    /** AdamW's first and second moments. */
    optimizer: number;
    /** What a training step keeps for its backward pass, at its largest (every block active). */
    activations: number;
    /** A checkpoint being written: the weights and moments copied out and encoded as safetensors. */
    checkpoint: number;
    /** A probe that fine-tunes a copy of the encoder (probes.mode "finetune"). */
    probes: number;
    /** The trainer process itself: Node, TensorFlow.js and its backend, before any tensor. */
    runtime: number;
    total: number;
  };
}

/** Parameters of the model a config describes (model/transformer.ts, model/residual-mlp.ts). */
export function parameterCount(config: RunConfig): number {
  const { model, task } = config;
  const { layers: L, dModel: d, ffDim: ff } = model;
  const mlp = d * ff + ff + ff * d + d;
  if (task.kind === 'polynomial') return task.inputDim * d + d + L * (2 * d + mlp) + 2 * d + d + 1;
  const V = task.tokenizer.vocabSize; // the mlm task sizes the model from its tokenizer
  const block = 4 * (d * d + d) + 2 * d + mlp + 2 * d;
  const finalNorm = model.norm === 'pre' ? 2 * d : 0;
  return V * d + model.seqLen * d + 2 * d + L * block + finalNorm + (d * d + d) + 2 * d + V;
}

/** Floats one training step keeps alive for the backward pass. */
function activationFloats(config: RunConfig): number {
  const { model, task, training } = config;
  const { layers: L, dModel: d, ffDim: ff, heads: h } = model;
  const B = training.batchSize;
  // Per block and example: the normalized input and its statistics, the branch outputs, the MLP's hidden
  // layer before and after its activation, the scaled branch and the residual sum; for the transformer
  // also q, k, v split into heads and the attention probabilities (h x S x S per sequence) with their
  // gradient. The factors are what TensorFlow.js keeps for the backward pass, measured (see above).
  if (task.kind === 'polynomial') return B * (task.inputDim + 2 * d + L * (9 * d + 3 * ff));
  const S = model.seqLen;
  const predicted = Math.max(1, Math.round(task.maskProb * S));
  const perToken = L * (20 * d + 4 * ff + 3 * h * S) + 4 * d;
  return B * (S * perToken + predicted * (3 * d + 2 * task.tokenizer.vocabSize));
}

export function estimateTrainingMemory(config: RunConfig): MemoryEstimate {
  const count = parameterCount(config);
  const parameters = count * FLOAT32;
  const finetune =
    config.task.kind === 'mlm' &&
    config.task.probes.mode === 'finetune' &&
    config.task.probes.when !== 'never';
  const bytes = {
    parameters,
    gradients: parameters,
    optimizer: 2 * parameters,
    activations: activationFloats(config) * FLOAT32,
    checkpoint: 2 * (parameters + 2 * parameters),
    probes: finetune ? 4 * parameters : 0,
    runtime: RUNTIME_BYTES,
  };
  const total = Object.values(bytes).reduce((sum, b) => sum + b, 0);
  return { parameterCount: count, bytes: { ...bytes, total } };
}
