// One end of the MessagePort between the GPU renderer and the utility process, as both sides use it:
// a browser MessagePort in the renderer, Electron's MessagePortMain in the utility process (and, in tests,
// a bridge to headless Chromium). Messages are structured clones (typed arrays included).

export interface EnginePort {
  post(message: unknown): void;
  onMessage(handler: (message: unknown) => void): void;
  /** The other end is gone: its process died, or it closed the port. */
  onClose(handler: () => void): void;
  close(): void;
}
