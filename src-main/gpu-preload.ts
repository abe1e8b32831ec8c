// The GPU renderer's preload: the only bridge between the hidden, sandboxed GPU page and Electron. Main
// sends one MessagePort (the line to the run's utility process); this hands it to the page with
// window.postMessage, as Electron's docs show for context-isolated pages. The page also gets a way to read
// its own process's CPU and memory for the run's telemetry. Nothing else: no ipcRenderer, no invoke.
// Bundled into one CommonJS file with the main preload's build (scripts/build-preload.mjs).
import { contextBridge, ipcRenderer } from 'electron';

/** The channel main sends the port on, and the message the page waits for (gpu-route/renderer/page.ts). */
const PORT_CHANNEL = 'raptr:gpu-port';

ipcRenderer.once(PORT_CHANNEL, (event) => {
  // Only this window (the page's own origin) receives it; the page checks event.source.
  window.postMessage(PORT_CHANNEL, '*', event.ports);
});

contextBridge.exposeInMainWorld('raptrProcess', {
  /** This renderer process: CPU % since the last call, resident memory in MB (null where not measured). */
  async processStats(): Promise<{ cpuPercent: number; residentMb: number | null }> {
    const memory = await process.getProcessMemoryInfo();
    const kilobytes = memory.residentSet ?? memory.private;
    return {
      cpuPercent: process.getCPUUsage().percentCPUUsage,
      residentMb: Number.isFinite(kilobytes) ? (kilobytes * 1024) / 1e6 : null,
    };
  },
});
