// What a trainer in Node measures for device telemetry (telemetry.ts): its own CPU use and resident
// memory, and the GPU's utilisation and memory from nvidia-smi where it exists; otherwise the bytes the
// webgpu backend holds, as tfjs counts them (WebGPU itself reports no utilisation).
import { execFile } from 'node:child_process';
import { SYSTEM_METRICS } from '../../shared/metrics.js';
import type { EvalResult } from '../../shared/trainer-protocol.js';
import { nvidiaGpuNames } from './backend/tensorflow/gpu-hints.js';
import type { AdapterFacts } from './backend/webgpu/adapter.js';
import { activeAdapter } from './backend/webgpu/start-webgpu.js';
import { webgpuBytesSample, type SystemSampler } from './telemetry.js';

const MB = 1e6;

/** utilization.gpu and memory.used of one GPU, or null when nvidia-smi cannot tell. */
export function nvidiaSample(index: number): Promise<EvalResult[] | null> {
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

/** The nvidia-smi index of the GPU a WebGPU adapter is, found by name; null for a software adapter. */
export function nvidiaIndexOfAdapter(adapter: Pick<AdapterFacts, 'description' | 'software'>): number | null {
  const names = nvidiaGpuNames();
  if (names.length === 0 || adapter.software) return null;
  const index = names.findIndex(
    (name) => adapter.description.includes(name) || name.includes(adapter.description),
  );
  return Math.max(0, index);
}

/**
 * The nvidia-smi index of the GPU this run uses: on webgpu the one whose name the adapter's description
 * carries; otherwise the one CUDA_VISIBLE_DEVICES names (a CPU run gets none), else the first.
 */
function visibleGpu(): number | null {
  if (nvidiaGpuNames().length === 0) return null;
  const adapter = activeAdapter();
  if (adapter) return nvidiaIndexOfAdapter(adapter);
  const visible = process.env.CUDA_VISIBLE_DEVICES;
  if (visible === undefined) return 0;
  const first = Number(visible.split(',')[0]?.trim() || NaN);
  return Number.isInteger(first) ? first : null;
}

/** Samples this process; create it once the backend has started (it picks the GPU to ask about). */
export function nodeSystemSampler(): SystemSampler {
  const gpu = visibleGpu();
  let cpu = process.cpuUsage();
  let wall = performance.now();
  return async () => {
    const used = process.cpuUsage(cpu);
    const elapsedMs = performance.now() - wall;
    cpu = process.cpuUsage();
    wall = performance.now();
    const gpuMetrics = (gpu !== null ? await nvidiaSample(gpu) : null) ?? webgpuBytesSample();
    return [
      { name: SYSTEM_METRICS.cpuPercent, value: (100 * (used.user + used.system)) / 1000 / elapsedMs },
      { name: SYSTEM_METRICS.rssMb, value: process.memoryUsage.rss() / MB },
      ...gpuMetrics,
    ];
  };
}
