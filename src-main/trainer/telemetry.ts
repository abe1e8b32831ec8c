// Device telemetry while a run trains: every few seconds, the trainer process's CPU use and resident
// memory, and the GPU's utilisation and memory (nvidia-smi where it exists; otherwise the bytes the
// webgpu backend holds, as tfjs counts them: WebGPU itself reports no utilisation). Sent as a 'system'
// message for the last completed step, at most one per step.
import { execFile } from 'node:child_process';
import { SYSTEM_METRICS } from '../../shared/metrics.js';
import type { EvalResult, TrainerMessage } from '../../shared/trainer-protocol.js';
import { nvidiaGpuNames } from './backend/tensorflow/gpu-hints.js';
import { tf } from './tf.js';

const MB = 1e6;

/** utilization.gpu and memory.used of one GPU, or null when nvidia-smi cannot tell. */
function nvidiaSample(index: number): Promise<EvalResult[] | null> {
  return new Promise((resolve) => {
    execFile(
      'nvidia-smi',
      [`--id=${index}`, '--query-gpu=utilization.gpu,memory.used', '--format=csv,noheader,nounits'],
      { timeout: 4000 },
      (error, stdout) => {
        const [util, usedMiB] = String(stdout).trim().split(',').map(Number);
        if (error || !Number.isFinite(util) || !Number.isFinite(usedMiB)) return resolve(null);
        resolve([
          { name: SYSTEM_METRICS.gpuUtilPercent, value: util! },
          { name: SYSTEM_METRICS.gpuMemMb, value: (usedMiB! * 1024 * 1024) / MB },
        ]);
      },
    );
  });
}

/** The GPU this run may use: the one CUDA_VISIBLE_DEVICES names, else the first. */
function visibleGpu(): number | null {
  if (nvidiaGpuNames().length === 0) return null;
  const visible = (process.env.CUDA_VISIBLE_DEVICES ?? '').split(',')[0]?.trim();
  if (visible === '') return process.env.CUDA_VISIBLE_DEVICES === undefined ? 0 : null;
  return Number.isInteger(Number(visible)) ? Number(visible) : 0;
}

async function gpuSample(gpu: number | null): Promise<EvalResult[]> {
  if (gpu !== null) {
    const sample = await nvidiaSample(gpu);
    if (sample) return sample;
  }
  const bytes = (tf.memory() as { numBytesInGPU?: number }).numBytesInGPU;
  return tf.getBackend() === 'webgpu' && bytes !== undefined
    ? [{ name: SYSTEM_METRICS.gpuMemMb, value: bytes / MB }]
    : [];
}

/**
 * Starts sampling every `everyMs` (0: never); `lastStep` gives the last completed step (-1 before the
 * first). Returns the function that stops it.
 */
export function startTelemetry(
  emit: (message: TrainerMessage) => void,
  lastStep: () => number,
  everyMs: number,
): () => void {
  if (everyMs <= 0) return () => {};
  const gpu = visibleGpu();
  let cpu = process.cpuUsage();
  let wall = performance.now();
  let sentFor = lastStep(); // a resumed run samples again once it has trained a step
  let busy = false;
  const timer = setInterval(() => {
    const step = lastStep();
    if (busy || step < 0 || step === sentFor) return;
    busy = true;
    const used = process.cpuUsage(cpu);
    const elapsedMs = performance.now() - wall;
    cpu = process.cpuUsage();
    wall = performance.now();
    const cpuPercent = (100 * (used.user + used.system)) / 1000 / elapsedMs;
    void gpuSample(gpu)
      .then((gpuMetrics) => {
        sentFor = step;
        emit({
          type: 'system',
          step,
          metrics: [
            { name: SYSTEM_METRICS.cpuPercent, value: cpuPercent },
            { name: SYSTEM_METRICS.rssMb, value: process.memoryUsage.rss() / MB },
            ...gpuMetrics,
          ],
        });
      })
      .finally(() => (busy = false));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
