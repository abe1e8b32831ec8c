// MessageChannelMain over Node's own MessageChannel: MessagePortMain's surface (messages arrive as
// { data, ports }, queued until start(), a 'close' event when the other end goes), structured clones
// included. Ports transferred to the fake utility process are carried across its IPC channel by
// utility-process.ts.
import { EventEmitter } from 'node:events';
import { MessageChannel, type MessagePort } from 'node:worker_threads';

export class FakeMessagePortMain extends EventEmitter {
  private started = false;
  private closed = false;

  constructor(readonly port: MessagePort) {
    super();
    port.on('message', (data: unknown) => this.emit('message', { data, ports: [] }));
    port.on('close', () => {
      if (!this.closed) this.emit('close');
      this.closed = true;
    });
  }

  postMessage(message: unknown): void {
    if (!this.closed) this.port.postMessage(message);
  }
  start(): void {
    if (this.started) return;
    this.started = true;
    this.port.start();
  }
  close(): void {
    this.closed = true;
    this.port.close();
  }
}

export class FakeMessageChannelMain {
  readonly port1: FakeMessagePortMain;
  readonly port2: FakeMessagePortMain;
  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port1 = new FakeMessagePortMain(port1);
    this.port2 = new FakeMessagePortMain(port2);
  }
}
