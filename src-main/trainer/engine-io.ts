// What the training engine needs from the place it runs in, and nothing more: a backend, an MLM run's
// data, somewhere to keep checkpoints, and a way to measure the device. The engine itself (the train loop,
// model, policies, optimizer, evals) imports no Node, so it runs unchanged in a Node trainer process
// (node-engine.ts: files, caches, nvidia-smi) and in the desktop app's hidden GPU renderer (gpu-route/:
// Chromium's WebGPU, with the utility process doing the file work over a MessagePort).
import type { MlmTask, RunConfig } from '../../shared/config/schema.js';
import type { BackendInfo } from '../../shared/trainer-protocol.js';
import type { WrittenCheckpoint } from '../checkpoints/state.js';
import type { NamedArray } from '../checkpoints/safetensors.js';
import type { CheckpointContents } from './checkpoint-contents.js';
import type { MlmDataset, MlmDataShape } from './data/mlm/dataset.js';
import type { SystemSampler } from './telemetry.js';

export type BackendRequest = RunConfig['training']['backend'];

export interface EngineIO {
  /**
   * Starts the TensorFlow.js backend the run asks for; says which device it got and why not a faster one.
   * `cpuThreads`: the CPU kernel threads the run may use (null: this place's default).
   */
  startBackend(request: BackendRequest, cpuThreads: number | null): Promise<BackendInfo>;
  /**
   * Follows a new CPU thread count between steps (results do not change); returns the backend with its new
   * device label, or `backend` itself when nothing changed. Absent where threads do not apply.
   */
  resizeCpuThreads?(backend: BackendInfo, cpuThreads: number | null): Promise<BackendInfo>;
  /** Ends the CPU kernel threads when the run ends, however it ends (the process may go on). */
  releaseCpuThreads?(): Promise<void>;
  /** An MLM run's data: tokenized splits, the unigram baseline, the probes. */
  mlmData(task: MlmTask, shape: MlmDataShape, log: (message: string) => void): Promise<MlmDataset>;
  /**
   * The checkpoint this run resumes from, verified (or the newest older one that verifies, having told
   * `warn` which were skipped and why); null for a run that starts at step 0.
   */
  readResume(warn: (message: string) => void): Promise<CheckpointContents | null>;
  /** False when nothing is kept (no run folder): no checkpoints, no final weights. */
  readonly keepsFiles: boolean;
  writeCheckpoint(contents: CheckpointContents): Promise<WrittenCheckpoint>;
  writeFinalWeights(weights: NamedArray[], config: RunConfig, step: number): Promise<void>;
  /** Device telemetry; called once the backend has started. */
  systemSampler(): SystemSampler;
}
