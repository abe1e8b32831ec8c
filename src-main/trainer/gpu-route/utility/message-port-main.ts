// Electron's MessagePortMain (the utility process's end of the port to the GPU renderer) as an
// EnginePort. Typed by shape: the trainer imports nothing from Electron.
import type { EnginePort } from '../engine-port.js';

export interface MessagePortMainLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  postMessage(message: unknown): void;
  start(): void;
  close(): void;
}

export function isMessagePortMain(value: unknown): value is MessagePortMainLike {
  const port = value as Partial<MessagePortMainLike> | null;
  return (
    typeof port?.on === 'function' &&
    typeof port.postMessage === 'function' &&
    typeof port.start === 'function'
  );
}

/** One message handler at a time (a later onMessage replaces the earlier), as a DOM port's onmessage. */
export function enginePortOf(port: MessagePortMainLike): EnginePort {
  let handler: (message: unknown) => void = () => {};
  const closeHandlers: Array<() => void> = [];
  let closed = false;
  port.on('message', (event) => handler(event.data));
  port.on('close', () => {
    if (closed) return;
    closed = true;
    for (const h of closeHandlers) h();
  });
  port.start();
  return {
    post: (message) => port.postMessage(message),
    onMessage: (next) => {
      handler = next;
    },
    onClose: (next) => void closeHandlers.push(next),
    close: () => {
      closed = true; // closing our own end is not the renderer going away
      port.close();
    },
  };
}
