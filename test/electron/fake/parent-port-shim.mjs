// Loaded with --import into the trainer that the fake utilityProcess forks: gives it the
// process.parentPort an Electron utility process has (messages arrive as { data, ports }), carried over
// Node's IPC channel. So the trainer takes its Electron code path (src-main/trainer/channel.ts) in the
// tests. Ports main transfers arrive as MessagePortMain look-alikes whose traffic is tunnelled over the same
// channel (utility-process.ts). With RAPTR_TEST_UTILITY_ELECTRON set, process.versions.electron is there
// too, as in a real utility process, so the trainer opens a GPU renderer for WebGPU runs.
import { EventEmitter } from 'node:events';

if (process.env.RAPTR_TEST_UTILITY_ELECTRON)
  Object.defineProperty(process.versions, 'electron', { value: process.env.RAPTR_TEST_UTILITY_ELECTRON });

const ports = new Map();

class TunnelledPort extends EventEmitter {
  constructor(id) {
    super();
    this.id = id;
    this.closed = false;
    this.queue = [];
    this.started = false;
  }
  postMessage(data) {
    if (!this.closed) process.send({ raptrFakePort: this.id, data });
  }
  start() {
    this.started = true;
    for (const data of this.queue.splice(0)) this.emit('message', { data, ports: [] });
  }
  close() {
    if (this.closed) return;
    this.closed = true;
    process.send({ raptrFakePort: this.id, close: true });
  }
  deliver(data) {
    if (this.started) this.emit('message', { data, ports: [] });
    else this.queue.push(data);
  }
  gone() {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }
}

const listeners = [];
// Listening starts with the first parentPort listener: until then Node keeps the messages queued, as
// Electron queues a utility process's messages until it has a handler.
function listen() {
  process.on('message', receive);
}

function receive(message) {
  if (typeof message?.raptrFakePort === 'number') {
    const port = ports.get(message.raptrFakePort);
    if (message.close) port?.gone();
    else port?.deliver(message.data);
    return;
  }
  let data = message;
  let received = [];
  if (Array.isArray(message?.raptrFakePorts)) {
    received = message.raptrFakePorts.map((id) => {
      const port = new TunnelledPort(id);
      ports.set(id, port);
      return port;
    });
    data = message.data;
  }
  for (const listener of listeners) listener({ data, ports: received });
}

process.parentPort = {
  on(event, listener) {
    if (event !== 'message') return;
    if (listeners.length === 0) listen();
    listeners.push(listener);
  },
  postMessage(message) {
    process.send(message);
  },
};
