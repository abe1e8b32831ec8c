// Where a run trains inside the desktop app. Dawn cannot load in Electron's processes, so WebGPU there
// means Chromium's, in a hidden renderer. `auto`: tfjs-node-gpu (CUDA) when it loads on a GPU, else the
// renderer on a real (hardware, non-fallback) adapter, else wasm, else cpu, with the reason no GPU was
// used. `webgpu` by name: the renderer on whatever adapter it has (a software one too, as in Node), or a
// clear error. Everywhere else (CLI, `raptr serve`, tests) the run trains here, with Dawn.
import { errorMessage } from '../../../../shared/error-text.js';
import type { BackendProbe } from '../../../../shared/trainer-protocol.js';
import { gpuDriverHint } from '../../backend/webgpu/driver-hint.js';
import { selectBackend } from '../../backend/select-backend.js';
import type { BackendRequest } from '../../engine-io.js';
import type { EnginePort } from '../engine-port.js';
import type { AdapterReport } from '../protocol.js';

export interface RendererConnection {
  port: EnginePort;
  adapter: AdapterReport;
  /** Closes the port and asks the host to close the renderer. */
  close(): void;
}

export type OpenRenderer = () => Promise<RendererConnection>;

export type Route =
  /** Train in this process; `webgpuUnavailable` is why WebGPU was not used (the no-GPU hint). */
  | { kind: 'here'; webgpuUnavailable?: string }
  | {
      kind: 'renderer';
      connection: RendererConnection & { adapter: Extract<AdapterReport, { ok: true }> };
    };

/** `open` is null where there is no GPU renderer to open (outside Electron). */
export async function chooseRoute(request: BackendRequest, open: OpenRenderer | null): Promise<Route> {
  if (!open || (request !== 'auto' && request !== 'webgpu')) return { kind: 'here' };
  if (request === 'auto' && (await tensorflowOnGpu())) return { kind: 'here' };
  let connection: RendererConnection;
  try {
    connection = await open();
  } catch (error) {
    const why = `the GPU renderer did not start (${errorMessage(error)})`;
    if (request === 'webgpu') throw new Error(`backend "webgpu" is not available: ${why}`);
    return { kind: 'here', webgpuUnavailable: `WebGPU: ${why}` };
  }
  const { adapter } = connection;
  if (adapter.ok && (!adapter.software || request === 'webgpu'))
    return { kind: 'renderer', connection: { ...connection, adapter } };
  connection.close();
  const why = explainAdapter(adapter, process.platform);
  if (request === 'webgpu') throw new Error(`backend "webgpu" is not available: ${why}`);
  return { kind: 'here', webgpuUnavailable: why };
}

async function tensorflowOnGpu(): Promise<boolean> {
  try {
    return (await selectBackend('tensorflow')).gpu;
  } catch {
    return false; // the reason is given again when the run selects its backend
  }
}

/** Why Chromium's WebGPU cannot train here, and what to do about it. */
export function explainAdapter(adapter: AdapterReport, platform: string): string {
  const linux =
    platform === 'linux'
      ? '; on Linux, Chromium runs WebGPU on Vulkan (the app turns it on): the GPU must be listed by `vulkaninfo --summary`'
      : '';
  if (adapter.ok)
    return (
      `Chromium's WebGPU found only a software adapter (${[adapter.vendor, adapter.architecture].filter(Boolean).join(' ')}), ` +
      `which is slower than wasm; ${gpuDriverHint(platform)}${linux}`
    );
  switch (adapter.code) {
    case 'no-webgpu':
      return `Chromium's WebGPU is not available in this app (${adapter.detail})${linux}`;
    case 'no-adapter':
      return `Chromium's WebGPU found no GPU adapter; ${gpuDriverHint(platform)}${linux}`;
    case 'failed':
      return `Chromium's WebGPU failed to give an adapter (${adapter.detail}); ${gpuDriverHint(platform)}`;
    default: {
      const unknown: never = adapter.code;
      return `Chromium's WebGPU is not usable (${String(unknown)})`;
    }
  }
}

/** system:info's line for webgpu inside the app: what the GPU renderer's Chromium offers. */
export async function probeRenderer(open: OpenRenderer): Promise<BackendProbe> {
  let connection: RendererConnection;
  try {
    connection = await open();
  } catch (error) {
    const why = errorMessage(error);
    return { name: 'webgpu', available: false, detail: `the GPU renderer did not start (${why})` };
  }
  connection.close();
  const { adapter } = connection;
  if (!adapter.ok)
    return { name: 'webgpu', available: false, detail: explainAdapter(adapter, process.platform) };
  // A software adapter trains when asked for by name (as Dawn's does), so it is available; it says so.
  const name = [adapter.vendor, adapter.architecture, adapter.description].filter(Boolean).join(' · ');
  return {
    name: 'webgpu',
    available: true,
    detail: adapter.software ? explainAdapter(adapter, process.platform) : `GPU (WebGPU, Chromium) · ${name}`,
  };
}
