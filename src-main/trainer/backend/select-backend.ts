// Picks the fastest TensorFlow.js backend that works here: tfjs-node-gpu ("tensorflow") when it loads on
// a GPU, else WebGPU (Dawn) on a real GPU adapter, else wasm (XNNPACK + our SIMD kernels), else the pure-JS
// cpu backend. Reports which, and why not faster. A software WebGPU adapter (lavapipe, SwiftShader) is
// used only when "webgpu" is asked for by name: it is for tests, slower than wasm.
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { existsSync } from 'node:fs';
import type { BackendInfo, BackendProbe } from '../../../shared/trainer-protocol.js';
import { tf } from '../tf.js';
import { explainGpuLoadFailure, nvidiaGpuNames } from './tensorflow/gpu-hints.js';
import { installWasmKernels } from './wasm/wasm-kernels.js';
import { installCpuKernels } from './cpu/cpu-kernels.js';
import { adapterLabel, describeAdapter } from './webgpu/adapter.js';
import { dawnBlocker, requestNodeAdapter } from './webgpu/dawn-node.js';
import { gpuDriverHint } from './webgpu/driver-hint.js';
import { startWebgpu } from './webgpu/start-webgpu.js';

export type BackendRequest = 'auto' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';

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
async function tryWebgpu(allowSoftware: boolean): Promise<Attempt> {
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
    return { failure: `WebGPU failed to start: ${error instanceof Error ? error.message : String(error)}` };
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

export async function selectBackend(request: BackendRequest): Promise<BackendInfo> {
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
    const webgpu = await tryWebgpu(request === 'webgpu');
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
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths(wasmFolder());
      if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      const accelerated = simd === true && installWasmKernels();
      return {
        name: 'wasm',
        device: `CPU (wasm${simd ? ', SIMD' : ''}${accelerated ? ' + RaPTr kernels' : ''}, 1 thread) · ${cpuModel()}`,
        gpu: false,
        hint,
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

/** What each backend would do on this machine (system:info): tried in the order auto would try them. */
export async function probeBackends(): Promise<BackendProbe[]> {
  const probes: BackendProbe[] = [];
  for (const name of ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const) {
    try {
      const info = await selectBackend(name);
      probes.push({ name, available: true, detail: info.device });
    } catch (error) {
      probes.push({ name, available: false, detail: error instanceof Error ? error.message : String(error) });
    }
  }
  return probes;
}
