// Picks the fastest TensorFlow.js backend that works here: tfjs-node-gpu ("tensorflow") when it loads on
// a GPU, else WebGPU (Dawn) on a real GPU adapter, else wasm (XNNPACK + our SIMD kernels on every core
// given to the run), else the pure-JS cpu backend. Reports which, and why not faster. A software WebGPU
// adapter (lavapipe, SwiftShader) is used only when "webgpu" is asked for by name: it is for tests, slower
// than wasm.
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { existsSync } from 'node:fs';
import { errorMessage } from '../../../shared/error-text.js';
import type { BackendInfo, BackendProbe } from '../../../shared/trainer-protocol.js';
import type { BackendRequest } from '../engine-io.js';
import { tf } from '../tf.js';
import { explainGpuLoadFailure, nvidiaGpuNames } from './tensorflow/gpu-hints.js';
import {
  releaseWasmThreads,
  setWasmThreads,
  startWasmBackend,
  type WasmOptions,
} from './wasm/wasm-backend.js';
import { installCpuKernels } from './cpu/cpu-kernels.js';
import { adapterLabel, describeAdapter } from './webgpu/adapter.js';
import { dawnBlocker, requestNodeAdapter } from './webgpu/dawn-node.js';
import { gpuDriverHint } from './webgpu/driver-hint.js';
import { startWebgpu } from './webgpu/start-webgpu.js';

export type { BackendRequest } from '../engine-io.js';

export interface SelectOptions {
  /**
   * Why WebGPU cannot be used in this process, decided elsewhere: in the desktop app, the GPU renderer
   * that would have run it found no usable adapter. Dawn is then not tried.
   */
  webgpuUnavailable?: string;
  /** The CPU (wasm) backend's threads and FMA. */
  cpu?: CpuOptions;
}

type Attempt = { info: BackendInfo } | { failure: string };

const require = createRequire(import.meta.url);

interface NodeBackendFlags {
  isUsingGpuDevice?: boolean;
}

async function tryTensorflow(): Promise<Attempt> {
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
        adapter: null,
      },
    };
  } catch (error) {
    return { failure: explainGpuLoadFailure(error, gpus) };
  }
}

/** WebGPU through Dawn; a software adapter only when `allowSoftware` (asked for by name). */
async function tryWebgpu(allowSoftware: boolean, options: SelectOptions): Promise<Attempt> {
  if (options.webgpuUnavailable) return { failure: options.webgpuUnavailable };
  const blocked = dawnBlocker();
  if (blocked) return { failure: blocked };
  try {
    const adapter = await requestNodeAdapter();
    if (!adapter) return { failure: `WebGPU found no GPU adapter; ${gpuDriverHint()}` };
    const facts = describeAdapter(adapter);
    if (facts.software && !allowSoftware)
      return {
        failure: `WebGPU found only a software adapter (${facts.description}); ${gpuDriverHint()}`,
      };
    await startWebgpu(adapter);
    const { vendor, architecture, description } = facts;
    return {
      info: {
        name: 'webgpu',
        device: adapterLabel(facts),
        gpu: !facts.software,
        hint: facts.software
          ? `a software adapter: the GPU path runs on the CPU, for tests (slower than wasm); ${gpuDriverHint()}`
          : null,
        adapter: { vendor, architecture, description },
      },
    };
  } catch (error) {
    return { failure: `WebGPU failed to start: ${errorMessage(error)}` };
  }
}

const joinHints = (...hints: Array<string | null>) => hints.filter((h) => h).join('; ') || null;

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

export async function selectBackend(
  request: BackendRequest,
  options: SelectOptions = {},
): Promise<BackendInfo> {
  const cpu = options.cpu ?? {};
  // tfjs prints "install the node backend" advice on stderr; we report the backend ourselves.
  tf.env().set('PROD', true);
  let hint: string | null = null;
  let tensorflowOnCpu: BackendInfo | null = null;
  if (request === 'auto' || request === 'tensorflow') {
    const tensorflow = await tryTensorflow();
    if ('info' in tensorflow && (tensorflow.info.gpu || request === 'tensorflow')) return tensorflow.info;
    if ('failure' in tensorflow && request === 'tensorflow')
      throw new Error(`backend "tensorflow" is not available: ${tensorflow.failure}`);
    if ('info' in tensorflow) tensorflowOnCpu = tensorflow.info;
    else hint = tensorflow.failure;
  }
  if (request === 'auto' || request === 'webgpu') {
    const webgpu = await tryWebgpu(request === 'webgpu', options);
    if ('info' in webgpu) return webgpu.info;
    if (request === 'webgpu') throw new Error(`backend "webgpu" is not available: ${webgpu.failure}`);
    hint = joinHints(hint, webgpu.failure);
  }
  // libtensorflow on the CPU (it loaded, but found no GPU) beats wasm; it keeps the reasons for no GPU.
  if (tensorflowOnCpu) {
    await tf.setBackend('tensorflow');
    return { ...tensorflowOnCpu, hint: joinHints(tensorflowOnCpu.hint, hint) };
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
      return {
        name: 'wasm',
        device: `CPU (${wasm.label}) · ${cpuModel()}`,
        gpu: false,
        hint: joinHints(hint, wasm.hint),
        adapter: null,
      };
    } catch (error) {
      if (request === 'wasm') throw new Error(`backend "wasm" is not available: ${String(error)}`);
      hint = joinHints(hint, `wasm failed to start (${String(error)}), using the much slower cpu backend`);
      await tf.setBackend('cpu');
    }
  }
  return { name: 'cpu', device: `CPU (JavaScript) · ${cpuModel()}`, gpu: false, hint, adapter: null };
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

/**
 * What each backend would do on this machine (system:info): tried in the order auto would try them.
 * `webgpu` replaces the Dawn probe where WebGPU is someone else's (the desktop app's GPU renderer).
 */
export async function probeBackends(webgpu?: () => Promise<BackendProbe>): Promise<BackendProbe[]> {
  const probes: BackendProbe[] = [];
  for (const name of ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const) {
    try {
      if (name === 'webgpu' && webgpu) {
        probes.push(await webgpu());
        continue;
      }
      // A probe says how many threads a run could use; it starts none.
      const info = await selectBackend(name, { cpu: { threads: 'available' } });
      probes.push({ name, available: true, detail: info.device });
    } catch (error) {
      probes.push({ name, available: false, detail: errorMessage(error) });
    }
  }
  return probes;
}
