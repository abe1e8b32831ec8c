// Device telemetry while a run trains: every few seconds, the trainer process's CPU use and resident
// memory, and the GPU's utilisation and memory (nvidia-smi where it exists; otherwise the bytes the
// webgpu backend holds, as tfjs counts them: WebGPU itself reports no utilisation). Sent as a 'system'
// message for the last completed step, at most one per step.
import { execFile } from 'node:child_process';
import { SYSTEM_METRICS } from '../../shared/metrics.js';
import type { EvalResult, TrainerMessage } from '../../shared/trainer-protocol.js';
import { nvidiaGpuNames } from './backend/tensorflow/gpu-hints.js';
import { activeAdapter } from './backend/webgpu/start-webgpu.js';
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

/**
 * The nvidia-smi index of the GPU this run uses: on webgpu the one whose name the adapter's description
 * carries; otherwise the one CUDA_VISIBLE_DEVICES names (a CPU run gets none), else the first.
 */
function visibleGpu(): number | null {
  const names = nvidiaGpuNames();
  if (names.length === 0) return null;
  const adapter = activeAdapter();
  if (adapter) {
    if (adapter.software) return null;
    const index = names.findIndex(
      (name) => adapter.description.includes(name) || name.includes(adapter.description),
    );
    return Math.max(0, index);
  }
  const visible = process.env.CUDA_VISIBLE_DEVICES;
  if (visible === undefined) return 0;
  const first = Number(visible.split(',')[0]?.trim() || NaN);
  return Number.isInteger(first) ? first : null;
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
