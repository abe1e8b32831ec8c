// Numbers the run page derives from what it has: the time left, and why no GPU was used.
import type { RunSummary, SystemInfo } from '../../../shared/api-types.js';
import type { LiveStep } from '../../../shared/ipc-contract.js';

/**
 * Milliseconds left at the recent step rate (the mean of the latest live step durations), or at the run's
 * average so far before any live step arrived; null when nothing has run yet.
 */
export function etaMs(
  summary: Pick<RunSummary, 'stepsDone' | 'stepsTotal' | 'wallMs'>,
  latest: Pick<LiveStep, 'step'> | null,
  recentStepMs: readonly number[],
): number | null {
  const done = latest ? latest.step + 1 : summary.stepsDone;
  const perStep =
    recentStepMs.length > 0
      ? recentStepMs.reduce((a, b) => a + b, 0) / recentStepMs.length
      : summary.stepsDone > 0
        ? summary.wallMs / summary.stepsDone
        : null;
  return perStep === null ? null : Math.max(0, summary.stepsTotal - done) * perStep;
}

/** Why this machine trained on the CPU, from system:info's probe of the GPU backends (CUDA, WebGPU). */
export function noGpuHint(info: Pick<SystemInfo, 'gpus' | 'backends'>): string {
  const tensorflow = info.backends.find((b) => b.name === 'tensorflow');
  const webgpu = info.backends.find((b) => b.name === 'webgpu');
  const cuda =
    info.gpus.length === 0
      ? `No NVIDIA GPU was found on this machine, so this run trained on the CPU (${tensorflow?.detail ?? 'no GPU backend'}).`
      : `A GPU is present (${info.gpus.join(', ')}) but TensorFlow could not use it: ${tensorflow?.detail ?? 'unknown reason'}.`;
  return webgpu && !webgpu.available ? `${cuda} WebGPU: ${webgpu.detail}.` : cuda;
}
