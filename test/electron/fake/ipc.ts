// Electron's IPC, in one process: ipcRenderer.invoke reaches the handler ipcMain.handle registered, with
// an event whose sender frame URL the test controls; webContents.send reaches ipcRenderer listeners.
// Payloads are structured-cloned both ways, as Electron's IPC does, so a value that cannot cross a
// process boundary (a function, a class instance's methods) fails here too.
import { EventEmitter } from 'node:events';

export interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
}

type InvokeHandler = (event: unknown, ...args: unknown[]) => unknown;

export class FakeIpcMain {
  readonly handlers = new Map<string, InvokeHandler>();
  handle(channel: string, handler: InvokeHandler): void {
    if (this.handlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
}

export class FakeIpcRenderer extends EventEmitter {
  /** The frame the next invoke appears to come from: our page unless a test says otherwise. */
  senderFrame: FakeFrame = { url: 'file:///nowhere/index.html', parent: null };
  invokeCount = 0;

  constructor(private readonly main: FakeIpcMain) {
    super();
  }

  async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invokeCount++;
    const handler = this.main.handlers.get(channel);
    // Electron rejects an invoke nobody handles; it does not hang.
    if (!handler) throw new Error(`Error invoking remote method '${channel}': No handler registered`);
    const event = { senderFrame: this.senderFrame, sender: { id: 1 }, processId: 1, frameId: 1 };
    const result = await handler(event, ...args.map((a) => structuredClone(a)));
    return structuredClone(result);
  }

  /** What webContents.send delivers to this renderer. */
  deliver(channel: string, payload: unknown): void {
    this.emit(channel, { sender: this }, structuredClone(payload));
  }
}

/** contextBridge.exposeInMainWorld: the test reads what the page would see as window[key]. */
export class FakeContextBridge {
  readonly exposed = new Map<string, unknown>();
  exposeInMainWorld(key: string, api: unknown): void {
    if (this.exposed.has(key)) throw new Error(`Cannot bind an API on top of an existing property: ${key}`);
    this.exposed.set(key, api);
  }
}
