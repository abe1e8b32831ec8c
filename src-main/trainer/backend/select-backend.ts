// Picks the fastest TensorFlow.js backend that works here: tfjs-node-gpu ("tensorflow") when it loads,
// else wasm (XNNPACK + our SIMD kernels on every core given to the run), else the pure-JS cpu backend.
// Reports which, and why not faster.
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { existsSync } from 'node:fs';
import type { BackendInfo, BackendProbe } from '../../../shared/trainer-protocol.js';
import { tf } from '../tf.js';
import { explainGpuLoadFailure, nvidiaGpuNames } from './tensorflow/gpu-hints.js';
import {
  releaseWasmThreads,
  setWasmThreads,
  startWasmBackend,
  type WasmOptions,
} from './wasm/wasm-backend.js';
import { installCpuKernels } from './cpu/cpu-kernels.js';

export type BackendRequest = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

const require = createRequire(import.meta.url);

interface NodeBackendFlags {
  isUsingGpuDevice?: boolean;
}

async function tryTensorflow(): Promise<{ info: BackendInfo } | { failure: string }> {
  const gpus = nvidiaGpuNames();
  try {
    require('@tensorflow/tfjs-node-gpu');
    if (!(await tf.setBackend('tensorflow')))
      throw new Error('tfjs-node-gpu loaded but its backend did not start');
    const usesGpu = (tf.backend() as unknown as NodeBackendFlags).isUsingGpuDevice === true;
    return {
      info: {
        name: 'tensorflow',
        device: usesGpu ? (gpus[0] ?? 'GPU') : `CPU (libtensorflow) · ${cpuModel()}`,
        gpu: usesGpu,
        hint: usesGpu
          ? null
          : 'libtensorflow found no usable GPU (check the NVIDIA driver, CUDA 11.2 and cuDNN 8.1)',
      },
    };
  } catch (error) {
    return { failure: explainGpuLoadFailure(error, gpus) };
  }
}

/** The folder holding tfjs-backend-wasm's .wasm files (outside app.asar when packaged by Electron). */
function wasmFolder(): string {
  const folder = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  const unpacked = folder.replace(`app.asar${sep}`, `app.asar.unpacked${sep}`);
  return (existsSync(join(unpacked, 'tfjs-backend-wasm-simd.wasm')) ? unpacked : folder) + sep;
}

function cpuModel(): string {
  return cpus()[0]?.model.trim().replace(/\s+/g, ' ') ?? 'unknown CPU';
}

/** How the CPU (wasm) backend runs: its kernel threads (1 by default) and whether it may use FMA. */
export type CpuOptions = Partial<WasmOptions>;

export async function selectBackend(request: BackendRequest, cpu: CpuOptions = {}): Promise<BackendInfo> {
  // tfjs prints "install the node backend" advice on stderr; we report the backend ourselves.
  tf.env().set('PROD', true);
  let hint: string | null = null;
  if (request === 'auto' || request === 'tensorflow') {
    const tensorflow = await tryTensorflow();
    if ('info' in tensorflow) return tensorflow.info;
    if (request === 'tensorflow')
      throw new Error(`backend "tensorflow" is not available: ${tensorflow.failure}`);
    hint = tensorflow.failure;
  }
  // cpu first: if wasm were the first backend and failed to start, tfjs would have nothing to fall back to.
  await tf.setBackend('cpu');
  installCpuKernels();
  if (request === 'auto' || request === 'wasm') {
    try {
      const wasm = await startWasmBackend(wasmFolder(), {
        threads: cpu.threads ?? 1,
        relaxedSimd: cpu.relaxedSimd ?? true,
      });
      const hints = [hint, wasm.hint].filter((h) => h !== null);
      return {
        name: 'wasm',
        device: `CPU (${wasm.label}) · ${cpuModel()}`,
        gpu: false,
        hint: hints.length > 0 ? hints.join('; ') : null,
      };
    } catch (error) {
      if (request === 'wasm') throw new Error(`backend "wasm" is not available: ${String(error)}`);
      hint = `${hint ?? ''}${hint ? '; ' : ''}wasm failed to start (${String(error)}), using the much slower cpu backend`;
      await tf.setBackend('cpu');
    }
  }
  return { name: 'cpu', device: `CPU (JavaScript) · ${cpuModel()}`, gpu: false, hint };
}

/**
 * Gives the CPU backend `threads` threads from now on (between steps: results do not change); returns the
 * backend info with its new device label, or `info` itself when nothing changed or threads do not apply.
 */
export async function resizeCpuThreads(info: BackendInfo, threads: number): Promise<BackendInfo> {
  if (info.name !== 'wasm') return info;
  const label = await setWasmThreads(threads);
  const device = label ? `CPU (${label}) · ${cpuModel()}` : info.device;
  return device === info.device ? info : { ...info, device };
}

/** Stops the CPU backend's threads at the end of a run (the process may go on: tests, benchmarks). */
export function releaseCpuThreads(): Promise<void> {
  return releaseWasmThreads();
}

/** What each backend would do on this machine (system:info): tried in the order auto would try them. */
export async function probeBackends(): Promise<BackendProbe[]> {
  const probes: BackendProbe[] = [];
  for (const name of ['tensorflow', 'wasm', 'cpu'] as const) {
    try {
      // A probe says how many threads a run could use; it starts none.
      const info = await selectBackend(name, { threads: 'available' });
      probes.push({ name, available: true, detail: info.device });
    } catch (error) {
      probes.push({ name, available: false, detail: error instanceof Error ? error.message : String(error) });
    }
  }
  return probes;
}
