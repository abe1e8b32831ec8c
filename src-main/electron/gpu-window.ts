// The hidden GPU renderer: a window nobody sees, in which one run's engine trains on Chromium's WebGPU
// (the trainer's utility process cannot load Dawn; see trainer/gpu-route/). It gets the main window's
// hardening and then some: sandboxed, isolated, no Node, no dev tools, its own strict CSP (no network, no
// eval, no WebAssembly; dist/gpu-renderer/index.html), no navigation and no new windows at all (not even
// to the OS browser), no IPC to main (the contract refuses any page but the main one), and one preload
// that hands over a MessagePort. Background throttling is off: it is hidden, but it is working.
import { BrowserWindow, type MessagePortMain, type WebContents } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { errorMessage } from '../../shared/error-text.js';

/** The GPU renderer's page inside the app folder, next to the main renderer's. */
export const GPU_RENDERER_INDEX = join('dist', 'gpu-renderer', 'index.html');
/** The channel main sends the port on (src-main/gpu-preload.ts listens on it). */
export const GPU_PORT_CHANNEL = 'raptr:gpu-port';

const gpuContents = new WeakSet<WebContents>();

/** True for a GPU renderer's web contents: they may navigate nowhere and open nothing. */
export function isGpuRenderer(contents: WebContents): boolean {
  return gpuContents.has(contents);
}

export interface GpuRenderer {
  /** Sends the page its port once it has loaded. */
  connect(port: MessagePortMain): void;
  /** Called once if the renderer's process goes, or its page fails to load, with why in words. */
  onGone(listener: (reason: string) => void): void;
  close(): void;
}

export interface GpuRendererPaths {
  appPath: string;
  preloadPath: string;
}

export function openGpuRenderer({ appPath, preloadPath }: GpuRendererPaths): GpuRenderer {
  const window = new BrowserWindow({
    title: 'RaPTr Studio GPU trainer',
    show: false,
    width: 320,
    height: 240,
    // Written out here, not built elsewhere, so a reader (and electronegativity) sees every option.
    webPreferences: {
      // Reviewed: a bundled preload that forwards one MessagePort to the page and exposes the renderer's
      // own CPU and memory figures; no ipcRenderer, no invoke, nothing generic.
      preload: preloadPath, // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
      safeDialogs: true,
      spellcheck: false,
      devTools: false,
      // A hidden page's timers are throttled to once a second or slower: the engine must not be.
      backgroundThrottling: false,
    },
  });
  gpuContents.add(window.webContents);
  const page = join(appPath, GPU_RENDERER_INDEX);
  let goneListener: ((reason: string) => void) | null = null;
  let gone = false;
  const goneWith = (reason: string) => {
    if (gone) return;
    gone = true;
    goneListener?.(reason);
  };
  window.webContents.on('render-process-gone', (_event, details) =>
    goneWith(`ended (${details.reason}, exit code ${details.exitCode})`),
  );
  const loaded = window.loadFile(page).then(
    () => true,
    (error: unknown) => {
      goneWith(`could not load ${pathToFileURL(page).href} (${errorMessage(error)})`);
      return false;
    },
  );
  return {
    connect: (port) => {
      void loaded.then((ok) => {
        if (ok && !window.isDestroyed()) window.webContents.postMessage(GPU_PORT_CHANNEL, null, [port]);
        else port.close();
      });
    },
    onGone: (listener) => {
      goneListener = listener;
    },
    close: () => {
      gone = true; // closing it on purpose is not the renderer going away
      if (!window.isDestroyed()) window.destroy();
    },
  };
}
