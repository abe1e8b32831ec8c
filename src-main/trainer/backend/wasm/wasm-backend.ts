// The wasm backend's start-up: TensorFlow.js on a shared heap (shared-heap.ts), our SIMD kernels (with
// relaxed-SIMD FMA where the runtime has it) and their threads; and the label a run shows for it, e.g.
// "wasm SIMD + RaPTr kernels with FMA, 4 threads".
import { tf } from '../../tf.js';
import { physicalCores } from './cpu-cores.js';
import { relaxedSimdAvailable } from './relaxed-simd.js';
import { tfjsBinaries } from './shared-heap.js';
import { installWasmKernels, wasmKernelRunner, type KernelInstall } from './wasm-kernels.js';

export interface WasmOptions {
  /** Kernel threads to start; 'available' starts none and says how many a run could use (system:info). */
  threads: number | 'available';
  /** Use the relaxed-SIMD (FMA) kernels where the runtime has them; false runs the plain SIMD ones. */
  relaxedSimd: boolean;
}

export interface WasmStart {
  /** What runs, for the device label: "wasm SIMD + RaPTr kernels with FMA, 2 threads". */
  label: string;
  /** Why it is slower than it could be (no SIMD, no kernels, fewer threads than asked for), or null. */
  hint: string | null;
}

let install: KernelInstall | null = null;
let whyOneThread: string | null = null;

/** Starts tfjs's wasm backend from the binaries in `folder` with our kernels; throws when wasm cannot start. */
export async function startWasmBackend(folder: string, options: WasmOptions): Promise<WasmStart> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const binaries = tfjsBinaries(folder);
  wasm.setWasmPaths(binaries.paths);
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
  if ((await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) !== true)
    return {
      label: 'wasm without SIMD, 1 thread',
      hint: 'this runtime has no wasm SIMD: much slower kernels',
    };
  install = installWasmKernels({ relaxed: options.relaxedSimd && relaxedSimdAvailable() });
  if (!install) return { label: 'wasm SIMD, 1 thread', hint: 'the RaPTr kernels could not be installed' };
  whyOneThread = install.shared ? null : (binaries.whyNotShared ?? 'the tfjs heap is not shared memory');
  if (options.threads === 'available') return { label: wasmLabel('available'), hint: null };
  await wasmKernelRunner()!.setThreads(options.threads);
  const short = options.threads > 1 && whyOneThread;
  return { label: wasmLabel('running'), hint: short ? `one thread only: ${whyOneThread}` : null };
}

/**
 * Changes the kernel threads between steps (results do not depend on it); returns the new label, or null
 * when the wasm kernels are not what runs.
 */
export async function setWasmThreads(threads: number): Promise<string | null> {
  const runner = wasmKernelRunner();
  if (!runner || tf.getBackend() !== 'wasm') return null;
  await runner.setThreads(threads);
  return wasmLabel('running');
}

/** Stops the kernel threads (the end of a run in a process that goes on, such as a test or a benchmark). */
export async function releaseWasmThreads(): Promise<void> {
  await wasmKernelRunner()?.setThreads(1);
}

function wasmLabel(threads: 'running' | 'available'): string {
  const runner = wasmKernelRunner()!;
  const count = threads === 'running' ? runner.threads : runner.shared ? physicalCores() : 1;
  const counted = `${count} thread${count === 1 ? '' : 's'}`;
  return `wasm SIMD + RaPTr kernels${install?.relaxed ? ' with FMA' : ''}, ${threads === 'available' ? `up to ${counted}` : counted}`;
}
