// The trainer's line to its host: Electron's utility-process parentPort, or Node's IPC channel when the
// host used child_process.fork (CLI, `raptr serve`, tests). One small interface hides which.

export interface HostChannel {
  send(message: unknown): Promise<void>;
  /** `ports`: MessagePorts that came with the message (Electron only: the GPU renderer's port). */
  onMessage(handler: (message: unknown, ports: readonly unknown[]) => void): void;
}

/** Electron's process.parentPort (typed here so the trainer needs no Electron import). */
interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown; ports?: unknown[] }) => void): void;
  postMessage(message: unknown): void;
}

export function connectToHost(): HostChannel {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (parentPort) {
    return {
      send: async (message) => parentPort.postMessage(message),
      onMessage: (handler) => parentPort.on('message', (event) => handler(event.data, event.ports ?? [])),
    };
  }
  if (!process.send)
    throw new Error('the trainer must be started by a host (utilityProcess.fork or child_process.fork)');
  return {
    send: (message) =>
      new Promise((resolve, reject) =>
        process.send!(message, undefined, {}, (error) => (error ? reject(error) : resolve())),
      ),
    onMessage: (handler) => process.on('message', (message) => handler(message, [])),
  };
}
