/// <reference types="@webgpu/types" />
// Starts TensorFlow.js's webgpu backend on a given adapter (Dawn's in Node, the browser's in a renderer),
// with a device that has the adapter's own buffer limits, a guard that turns lost devices and failed
// allocations into a clear error at the step where they happen, and our kernels registered.
import { tf } from '../../tf.js';
import { setDeviceGuard, type DeviceGuard } from '../device-guard.js';
import { describeAdapter, deviceDescriptor, type AdapterFacts } from './adapter.js';
import { installWebgpuKernels } from './webgpu-kernels.js';

let active: { device: GPUDevice; facts: AdapterFacts } | null = null;

/** The adapter the webgpu backend runs on, while it is the current backend. */
export function activeAdapter(): AdapterFacts | null {
  return active && tf.getBackend() === 'webgpu' ? active.facts : null;
}

export async function startWebgpu(adapter: GPUAdapter): Promise<AdapterFacts> {
  const facts = describeAdapter(adapter);
  if (active) {
    // A device per process: tfjs keeps one backend instance under the name 'webgpu'.
    if (!(await tf.setBackend('webgpu'))) throw new Error('the webgpu backend did not restart');
    return active.facts;
  }
  const device = await adapter.requestDevice(deviceDescriptor(adapter));
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  // Importing the package registers a factory that asks navigator.gpu for an adapter of its own choosing;
  // ours uses the adapter that was checked.
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => new WebGPUBackend(device, adapter.info));
  if (!(await tf.setBackend('webgpu'))) throw new Error('the webgpu backend did not start');
  installWebgpuKernels();
  active = { device, facts };
  setDeviceGuard('webgpu', guardFor(device, facts));
  return facts;
}

/** How long a failed run waits for the device to say it was lost, before reporting the failure as it came. */
const LOSS_TOLD_WITHIN_MS = 2000;

function guardFor(device: GPUDevice, facts: AdapterFacts): DeviceGuard {
  let lostReason: string | null = null;
  let lostError: Error | null = null;
  const lost = device.lost.then((info) => {
    lostReason = info.message || info.reason || 'unknown reason';
    lostError = new Error(
      `the GPU (${facts.description}) was lost mid-run: ${lostReason}. The last checkpoint can be resumed on any backend`,
    );
    throw lostError;
  });
  lost.catch(() => {}); // observed by the step that waits on it
  const explain = async (error: unknown) => {
    if (!lostError) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const told = new Promise<void>((resolve) => (timer = setTimeout(resolve, LOSS_TOLD_WITHIN_MS)));
      await Promise.race([lost.catch(() => {}), told]);
      clearTimeout(timer);
    }
    return lostError ?? error;
  };
  const scopes = ['out-of-memory', 'validation', 'internal'] as const;
  return {
    lost,
    explain,
    begin() {
      if (lostReason) return;
      for (const scope of scopes) device.pushErrorScope(scope);
    },
    async end() {
      if (lostReason) await lost;
      // Scopes pop in reverse order of their push.
      const errors = await Promise.race([
        Promise.all([...scopes].reverse().map(() => device.popErrorScope())),
        lost,
      ]);
      const [internal, validation, memory] = errors;
      if (memory)
        throw new Error(
          `the GPU (${facts.description}) ran out of memory: ${memory.message}. Use a smaller batch or model; the last checkpoint can be resumed on any backend`,
        );
      const failed = validation ?? internal;
      if (failed) throw new Error(`the GPU (${facts.description}) rejected the step: ${failed.message}`);
    },
  };
}
