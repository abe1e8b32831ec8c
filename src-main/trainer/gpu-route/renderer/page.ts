/// <reference types="@webgpu/types" />
// The hidden GPU renderer's page. Main hands it one MessagePort (through the preload, which posts it to
// this window); the engine serves a run on it and nothing else. A sandboxed page without Node: everything
// it needs from outside comes through that port.
import { config as zodConfig } from 'zod';
import type { EnginePort } from '../engine-port.js';
import type { ProcessStats } from './renderer-io.js';
import { serveEngine } from './serve-engine.js';

// The few browser objects used here, typed by hand (the engine is type-checked without the DOM library).
interface PagePort {
  postMessage(message: unknown): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  addEventListener(type: 'close', listener: () => void): void;
  close(): void;
}
interface PortEvent {
  source: unknown;
  data: unknown;
  ports: readonly PagePort[];
}
interface PageWindow {
  addEventListener(type: 'message', listener: (event: PortEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: PortEvent) => void): void;
  navigator: { gpu?: GPU };
  /** What the preload exposes: this renderer's own CPU and memory (absent outside the app). */
  raptrProcess?: { processStats(): Promise<ProcessStats> };
}

/** What the preload (or a test harness) posts to this window with the port. */
export const PORT_MESSAGE = 'raptr:gpu-port';

// zod compiles validators with new Function() when it may; this page's CSP forbids eval, so say so up
// front instead of letting it try (and log a CSP violation) at the first message.
zodConfig({ jitless: true });

function enginePort(port: PagePort): EnginePort {
  return {
    post: (message) => port.postMessage(message),
    onMessage: (handler) => {
      port.onmessage = (event) => handler(event.data);
    },
    onClose: (handler) => port.addEventListener('close', handler),
    close: () => port.close(),
  };
}

const page = globalThis as unknown as PageWindow;
const bridge = page.raptrProcess;

page.addEventListener('message', function receivePort(event) {
  // Only this window's own message (the preload's, or a test harness's) carries the port.
  if (event.source !== page || event.data !== PORT_MESSAGE || event.ports.length !== 1) return;
  page.removeEventListener('message', receivePort);
  void serveEngine(enginePort(event.ports[0]!), {
    gpu: page.navigator.gpu,
    processStats: bridge ? () => bridge.processStats() : undefined,
  });
});
