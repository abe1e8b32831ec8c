// The preload: the only bridge between the sandboxed page and main. It exposes window.raptr, built from
// the contract (one method per channel, plus `on` for the contract's events) and nothing else: the page
// never gets ipcRenderer, a generic invoke/send, or the IPC event objects (they carry the sender).
// Bundled into one CommonJS file (scripts/build-preload.mjs): a sandboxed preload cannot load modules.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildApi, EVENT_NAMES, type Channel, type EventName, type Result } from '../shared/ipc-api.js';

function invoke(channel: Channel, request: unknown): Promise<Result<unknown>> {
  return ipcRenderer.invoke(channel, request) as Promise<Result<unknown>>;
}

function subscribe(event: EventName, listener: (payload: unknown) => void): () => void {
  // The page is untrusted code as far as this bridge is concerned: check what it passes.
  if (!EVENT_NAMES.includes(event))
    throw new Error(`raptr.on: unknown event "${String(event).slice(0, 100)}"`);
  if (typeof listener !== 'function') throw new TypeError('raptr.on: the listener must be a function');
  const relay = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
  ipcRenderer.on(event, relay);
  return () => {
    ipcRenderer.removeListener(event, relay);
  };
}

contextBridge.exposeInMainWorld('raptr', buildApi(invoke, subscribe));
