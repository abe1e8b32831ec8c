// Device telemetry while a run trains: every few seconds, a sample of the process's CPU use and memory and
// of the GPU's utilisation and memory, sent as a 'system' message for the last completed step, at most one
// per step. What is measured, and how, belongs to where the engine runs (EngineIO.systemSampler): Node
// reads its own process and nvidia-smi (node-telemetry.ts), the GPU renderer what Chromium and tfjs report.
import { SYSTEM_METRICS } from '../../shared/metrics.js';
import type { EvalResult, TrainerMessage } from '../../shared/trainer-protocol.js';
import { tf } from './tf.js';

/** One sample of whatever this place can measure (system/... names, shared/metrics.ts). */
export type SystemSampler = () => Promise<EvalResult[]>;

/**
 * Starts sampling every `everyMs` (0: never) with the sampler `createSampler` makes; `lastStep` gives the
 * last completed step (-1 before the first). Returns the function that stops it.
 */
export function startTelemetry(
  emit: (message: TrainerMessage) => void,
  lastStep: () => number,
  everyMs: number,
  createSampler: () => SystemSampler,
): () => void {
  if (everyMs <= 0) return () => {};
  const sample = createSampler();
  let sentFor = lastStep(); // a resumed run samples again once it has trained a step
  let busy = false;
  const timer = setInterval(() => {
    const step = lastStep();
    if (busy || step < 0 || step === sentFor) return;
    busy = true;
    void sample()
      .then((metrics) => {
        sentFor = step;
        emit({ type: 'system', step, metrics });
      })
      .catch(() => {}) // a failed sample is a missing point, not a failed run
      .finally(() => (busy = false));
  }, everyMs);
  (timer as { unref?: () => void }).unref?.();
  return () => clearInterval(timer);
}

/** The GPU memory the webgpu backend holds, when it is the backend (tfjs's own count, in MB). */
export function webgpuBytesSample(): EvalResult[] {
  const bytes = (tf.memory() as { numBytesInGPU?: number }).numBytesInGPU;
  return tf.getBackend() === 'webgpu' && bytes !== undefined
    ? [{ name: SYSTEM_METRICS.gpuMemMb, value: bytes / 1e6 }]
    : [];
}
