/// <reference types="@webgpu/types" />
// Chromium's WebGPU in the GPU renderer: the adapter navigator.gpu offers (reported to the utility
// process before any run, which decides whether to use it), and TensorFlow.js's webgpu backend started on
// it with the project's WGSL kernels (backend/webgpu/start-webgpu.ts, the same code Dawn runs in Node).
import { errorMessage } from '../../../../shared/error-text.js';
import type { BackendInfo } from '../../../../shared/trainer-protocol.js';
import { adapterLabel, describeAdapter, type AdapterFacts } from '../../backend/webgpu/adapter.js';
import { gpuDriverHint } from '../../backend/webgpu/driver-hint.js';
import { startWebgpu } from '../../backend/webgpu/start-webgpu.js';
import type { BackendRequest } from '../../engine-io.js';
import { tf } from '../../tf.js';
import type { AdapterReport } from '../protocol.js';

export interface BrowserAdapter {
  adapter: GPUAdapter | null;
  facts: AdapterFacts | null;
  report: AdapterReport;
}

/** The adapter this page would train on (high-performance first), and what to tell the utility process. */
export async function findBrowserAdapter(gpu: GPU | undefined): Promise<BrowserAdapter> {
  if (!gpu)
    return {
      adapter: null,
      facts: null,
      report: { ok: false, code: 'no-webgpu', detail: 'navigator.gpu is missing in the GPU renderer' },
    };
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter)
      return {
        adapter: null,
        facts: null,
        report: { ok: false, code: 'no-adapter', detail: 'navigator.gpu.requestAdapter() gave no adapter' },
      };
    const facts = describeAdapter(adapter);
    const { vendor, architecture, description, software } = facts;
    return { adapter, facts, report: { ok: true, vendor, architecture, description, software } };
  } catch (error) {
    return {
      adapter: null,
      facts: null,
      report: { ok: false, code: 'failed', detail: errorMessage(error) },
    };
  }
}

/**
 * Starts the webgpu backend on the adapter found. The utility process sends a run here only when WebGPU
 * is what it asked for (webgpu by name, or auto on a real GPU); anything else is a protocol error.
 */
export async function startBrowserWebgpu(
  found: BrowserAdapter,
  request: BackendRequest,
  platform: string,
): Promise<BackendInfo> {
  const { adapter, facts } = found;
  if (request !== 'webgpu' && request !== 'auto')
    throw new Error(`the GPU renderer trains on webgpu only; this run asks for ${request}`);
  if (!adapter || !facts)
    throw new Error(`WebGPU is not available in the GPU renderer (${JSON.stringify(found.report)})`);
  if (facts.software && request !== 'webgpu')
    throw new Error(`backend auto never trains on a software adapter (${facts.description})`);
  tf.env().set('PROD', true);
  await startWebgpu(adapter);
  return {
    name: 'webgpu',
    device: adapterLabel(facts, 'Chromium'),
    gpu: !facts.software,
    hint: facts.software
      ? `a software adapter: the GPU path runs on the CPU, for tests (slower than wasm); ${gpuDriverHint(platform)}`
      : null,
    adapter: { vendor: facts.vendor, architecture: facts.architecture, description: facts.description },
  };
}
