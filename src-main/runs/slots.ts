// Where runs may train at the same time: one run per GPU, and CPU runs limited to the cores (a wasm
// trainer keeps one core busy). Users can set both.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import type { RunConfig } from '../../shared/config/schema.js';
import { nvidiaGpuNames } from '../trainer/backend/tensorflow/gpu-hints.js';

export interface SlotLimits {
  /** GPU names by CUDA index; one run each. */
  gpus: string[];
  /** Concurrent CPU runs. */
  cpu: number;
}

export type Slot = { kind: 'gpu'; index: number; name: string } | { kind: 'cpu'; index: number };

export function detectSlots(overrides: Partial<SlotLimits> = {}): SlotLimits {
  return {
    gpus: overrides.gpus ?? (gpuPackageInstalled() ? nvidiaGpuNames() : []),
    cpu: Math.max(1, overrides.cpu ?? availableParallelism()),
  };
}

function gpuPackageInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node-gpu');
    return true;
  } catch {
    return false;
  }
}

/** Whether a run wants a GPU slot: it asks for tensorflow, or for auto and a GPU exists. */
export function wantsGpu(config: RunConfig, limits: SlotLimits): boolean {
  const backend = config.training.backend;
  return limits.gpus.length > 0 && (backend === 'tensorflow' || backend === 'auto');
}

export class SlotPool {
  private readonly busy = new Set<string>();

  constructor(readonly limits: SlotLimits) {}

  /** A free slot of the kind the run wants, or null when all are busy. */
  take(gpu: boolean): Slot | null {
    if (gpu) {
      const index = this.limits.gpus.findIndex((_, i) => !this.busy.has(`gpu:${i}`));
      if (index < 0) return null;
      this.busy.add(`gpu:${index}`);
      return { kind: 'gpu', index, name: this.limits.gpus[index]! };
    }
    for (let index = 0; index < this.limits.cpu; index++)
      if (!this.busy.has(`cpu:${index}`)) {
        this.busy.add(`cpu:${index}`);
        return { kind: 'cpu', index };
      }
    return null;
  }

  release(slot: Slot): void {
    this.busy.delete(`${slot.kind}:${slot.index}`);
  }

  /** Environment for the trainer: a GPU run sees only its own device. */
  static env(slot: Slot, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    return slot.kind === 'gpu'
      ? { ...base, CUDA_VISIBLE_DEVICES: String(slot.index) }
      : { ...base, CUDA_VISIBLE_DEVICES: '' };
  }
}
