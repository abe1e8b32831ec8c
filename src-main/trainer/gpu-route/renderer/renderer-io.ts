// The engine's I/O in the GPU renderer (engine-io.ts): the backend is Chromium's WebGPU, and everything
// that needs files or processes is asked of the utility process over the port (its Node engine I/O
// answers, gpu-route/utility/). Telemetry: this renderer's CPU and memory when the page was given a way to
// read them (the preload, in the app), nvidia-smi's view of the adapter from the utility process where it
// has one, else the GPU memory tfjs holds.
import { SYSTEM_METRICS } from '../../../../shared/metrics.js';
import type { EvalResult } from '../../../../shared/trainer-protocol.js';
import type { EngineIO } from '../../engine-io.js';
import { webgpuBytesSample } from '../../telemetry.js';
import { datasetFromWire } from '../wire-dataset.js';
import { startBrowserWebgpu, type BrowserAdapter } from './browser-backend.js';
import type { HostClient } from './host-client.js';

/** The renderer process's own figures, from Electron's process API in the preload. */
export interface ProcessStats {
  cpuPercent: number;
  residentMb: number | null;
}

export interface RendererIOOptions {
  adapter: BrowserAdapter;
  /** The utility process's platform, for the driver hint (the page cannot tell reliably). */
  platform: string;
  keepsFiles: boolean;
  processStats?: () => Promise<ProcessStats>;
}

export function rendererEngineIO(host: HostClient, options: RendererIOOptions): EngineIO {
  return {
    startBackend: (request) => startBrowserWebgpu(options.adapter, request, options.platform),
    mlmData: async (task, shape) => datasetFromWire(await host.request({ kind: 'mlm-data', task, shape })),
    // The utility process verifies, and logs any damaged checkpoint it skipped itself.
    readResume: () => host.request({ kind: 'resume' }),
    keepsFiles: options.keepsFiles,
    writeCheckpoint: (contents) => host.request({ kind: 'write-checkpoint', contents }),
    writeFinalWeights: async (weights, config, step) => {
      await host.request({ kind: 'write-final-weights', weights, config: { ...config }, step });
    },
    systemSampler: () => async () => {
      const own: EvalResult[] = [];
      if (options.processStats) {
        const stats = await options.processStats();
        own.push({ name: SYSTEM_METRICS.cpuPercent, value: stats.cpuPercent });
        if (stats.residentMb !== null) own.push({ name: SYSTEM_METRICS.rssMb, value: stats.residentMb });
      }
      const gpu = (await host.request({ kind: 'gpu-sample' })) ?? webgpuBytesSample();
      return [...own, ...gpu];
    },
  };
}
