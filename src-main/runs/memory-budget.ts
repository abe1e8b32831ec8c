// Whether a run can fit, asked before it is recorded (runs:create, `raptr train`): the config's memory
// estimate (shared/memory-estimate.ts) against the memory the backend it will get can use. A run that
// cannot fit is refused by name with both numbers, instead of growing until its process aborts (a
// WebAssembly backend stops at 4 GB) or the machine swaps itself to a halt.
import { freemem } from 'node:os';
import type { RunConfig } from '../../shared/config/schema.js';
import type { ConfigIssue } from '../../shared/config/validate.js';
import { formatSi } from '../../shared/format.js';
import { estimateTrainingMemory } from '../../shared/memory-estimate.js';
import { wantsGpu, type SlotLimits } from './slots.js';

/** WebAssembly's 32-bit address space: the most memory the wasm backend can ever have. */
export const WASM_MEMORY_BYTES = 4 * 1024 ** 3;

export interface MemoryBudget {
  bytes: number;
  /** What limits it, for the message: "free system memory", "the wasm backend's limit ...". */
  limitedBy: string;
}

/** The memory a run of this config can use on this machine, by the backend it will train on. */
export function memoryBudget(
  config: RunConfig,
  slots: SlotLimits,
  systemFree: number = freemem(),
): MemoryBudget {
  const system: MemoryBudget = { bytes: systemFree, limitedBy: 'free system memory' };
  const backend = config.training.backend;
  // auto without a GPU trains on wasm (the cpu backend only when wasm cannot load at all).
  const wasm = backend === 'wasm' || (backend === 'auto' && !wantsGpu(config, slots));
  if (!wasm || WASM_MEMORY_BYTES >= system.bytes) return system;
  return {
    bytes: WASM_MEMORY_BYTES,
    limitedBy: "the wasm backend's limit: WebAssembly memory stops at 4 GiB",
  };
}

/** An issue naming the estimate and the budget when the run cannot fit, else null. */
export function memoryIssue(config: RunConfig, budget: MemoryBudget): ConfigIssue | null {
  const { bytes } = estimateTrainingMemory(config);
  if (bytes.total <= budget.bytes) return null;
  const gb = (n: number) => formatSi(n, 'B');
  return {
    path: 'model',
    message:
      `the run needs about ${gb(bytes.total)} (parameters ${gb(bytes.parameters)}, gradients ` +
      `${gb(bytes.gradients)}, optimizer state ${gb(bytes.optimizer)}, activations ${gb(bytes.activations)}, ` +
      `checkpoint copies ${gb(bytes.checkpoint)}) but ${gb(budget.bytes)} is available (${budget.limitedBy}); ` +
      'make the model (model.layers, model.dModel, model.ffDim) or the batch (training.batchSize) smaller',
  };
}
