// A model too large for the GPU is refused before its first step, naming the tensor and the limit: a
// WebGPU buffer larger than the device allows fails only later, as a validation error mid-step.
import type { RunConfig } from '../../../shared/config/schema.js';
import type { AdapterFacts } from './webgpu/adapter.js';
import { activeAdapter } from './webgpu/start-webgpu.js';

export interface SizedTensor {
  name: string;
  shape: readonly number[];
}

const MiB = 1024 * 1024;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(bytes < 10 * MiB ? 1 : 0)} MiB`;

/** The largest activations of a step besides the weights (float32, one buffer each). */
export function activationShapes(config: RunConfig): SizedTensor[] {
  const { batchSize: B } = config.training;
  const { dModel: d, ffDim: ff, heads, seqLen: S, vocabSize: V } = config.model;
  if (config.task.kind === 'polynomial') return [{ name: 'MLP activations', shape: [B, ff] }];
  const predicted = Math.ceil(B * S * config.task.maskProb);
  return [
    { name: 'attention probabilities', shape: [B, heads, S, S] },
    { name: 'MLP activations', shape: [B * S, ff] },
    { name: 'hidden states', shape: [B * S, d] },
    { name: 'MLM logits', shape: [predicted, V] },
  ];
}

/** Throws for the first tensor larger than one buffer of this adapter may be. */
export function assertFits(tensors: readonly SizedTensor[], adapter: AdapterFacts): void {
  const limit = Math.min(adapter.maxStorageBufferBindingSize, adapter.maxBufferSize);
  for (const t of tensors) {
    const bytes = 4 * t.shape.reduce((a, b) => a * b, 1);
    if (bytes > limit)
      throw new Error(
        `${t.name} [${t.shape.join(', ')}] needs ${mib(bytes)}, more than the largest buffer this GPU allows ` +
          `(${mib(limit)}, maxStorageBufferBindingSize of ${adapter.description}); use a smaller model or batch, ` +
          'or train this one on another backend',
      );
  }
}

/** On webgpu, refuses the run's weights and largest activations when one exceeds the buffer limit. */
export function assertFitsDevice(tensors: readonly SizedTensor[]): void {
  const adapter = activeAdapter();
  if (adapter) assertFits(tensors, adapter);
}
