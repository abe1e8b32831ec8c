/// <reference types="@webgpu/types" />
// The only Node-specific part of the webgpu backend: loads Dawn's Node binding (npm `webgpu`), installs
// the WebGPU globals tfjs-backend-webgpu expects (navigator.gpu, GPUBuffer, GPUBufferUsage, ...) and asks
// for an adapter. Everything else in this folder (the WGSL kernels, their registration, the optimizer)
// imports nothing from Node, so a Chromium renderer with its own navigator.gpu can run it unchanged.
/** Why Dawn cannot run in this process, or null when it can. */
export function dawnBlocker(): string | null {
  if (process.versions.electron)
    return (
      "Dawn (WebGPU for Node) cannot run inside Electron's processes: Electron's V8 sandbox forbids the " +
      'external ArrayBuffers Dawn hands out. Train from `raptr train` / `raptr serve` to use the GPU'
    );
  return null;
}

interface DawnModule {
  create(options: string[]): GPU;
  globals: Record<string, unknown>;
}

let gpu: GPU | null = null;

/** navigator.gpu from Dawn, created once per process (Dawn keeps one instance). */
async function nodeGpu(): Promise<GPU> {
  const blocked = dawnBlocker();
  if (blocked) throw new Error(blocked);
  if (gpu) return gpu;
  let dawn: DawnModule;
  try {
    dawn = (await import('webgpu')) as unknown as DawnModule;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(
      /GLIBC/.test(String(message))
        ? `Dawn needs glibc 2.34 or newer (${message})`
        : `the npm package "webgpu" (Dawn) did not load: ${message}`,
    );
  }
  Object.assign(globalThis, dawn.globals);
  gpu = dawn.create([]);
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  return gpu;
}

/** The adapter Dawn picks for compute (high-performance first), or null when there is none. */
export async function requestNodeAdapter(): Promise<GPUAdapter | null> {
  return (await nodeGpu()).requestAdapter({ powerPreference: 'high-performance' });
}
