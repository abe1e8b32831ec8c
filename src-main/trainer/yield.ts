// One turn of the event loop, so a process (or page) delivers the messages emitted so far and receives a
// stop request between steps. Node has setImmediate; a browser clamps nested timers to 4 ms and throttles
// them in hidden pages, so there a MessageChannel message does the same without either.

/** The part of a browser MessagePort used here (Node's typings describe Node's own port). */
interface BrowserPort {
  onmessage: (() => void) | null;
  postMessage(message: null): void;
  close(): void;
}

const viaChannel = (): Promise<void> =>
  new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel() as unknown as { port1: BrowserPort; port2: BrowserPort };
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });

export const yieldToEventLoop: () => Promise<void> =
  typeof setImmediate === 'function' ? () => new Promise((resolve) => setImmediate(resolve)) : viaChannel;
