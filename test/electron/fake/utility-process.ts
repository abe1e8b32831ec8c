// utilityProcess.fork backed by child_process.fork of the same module: a real trainer process, with the
// UtilityProcess surface main uses (message, exit with a code only, kill() = SIGTERM, piped stdio). The
// child gets an emulated process.parentPort (parent-port-shim.mjs), as in a real utility process.
// Messages are structured clones (typed arrays, NaN), as Electron's are. MessagePorts transferred with
// postMessage are carried over the IPC channel: each gets an id, and its traffic travels tagged with it.
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';
import type { FakeMessagePortMain } from './message-channel.js';

const parentPortShim = new URL('./parent-port-shim.mjs', import.meta.url).href;

export interface ForkRecord {
  modulePath: string;
  args: string[];
  options: { serviceName?: string; stdio?: string | string[]; env?: Record<string, string> };
}

/** What carries a transferred port's traffic over IPC (parent-port-shim.mjs speaks the same). */
export interface PortTunnelMessage {
  raptrFakePort: number;
  data?: unknown;
  close?: true;
}

const isTunnel = (message: unknown): message is PortTunnelMessage =>
  typeof (message as Partial<PortTunnelMessage> | null)?.raptrFakePort === 'number';

export class FakeUtilityProcess extends EventEmitter {
  private readonly child: ChildProcess;
  private exited = false;
  private readonly ports = new Map<number, FakeMessagePortMain>();
  private nextPort = 1;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** Every postMessage, with how many ports it transferred. */
  readonly posted: Array<{ message: unknown; ports: number }> = [];

  constructor(record: ForkRecord) {
    super();
    const mode = (i: number) =>
      typeof record.options.stdio === 'string'
        ? record.options.stdio
        : (record.options.stdio?.[i] ?? 'inherit');
    this.child = fork(record.modulePath, record.args, {
      env: record.options.env,
      execArgv: ['--import', parentPortShim],
      stdio: ['ignore', mode(1), mode(2), 'ipc'] as never,
      serialization: 'advanced',
    });
    this.stdout = this.child.stdout;
    this.stderr = this.child.stderr;
    this.child.on('spawn', () => this.emit('spawn'));
    this.child.on('message', (message) => {
      if (!isTunnel(message)) return void this.emit('message', message);
      const port = this.ports.get(message.raptrFakePort);
      if (message.close) port?.close();
      else port?.postMessage(message.data);
    });
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      for (const port of this.ports.values()) port.close(); // its process is gone: so is its end
      // Electron reports a number only; a signal death shows as the shell's 128 + signal number.
      const signalCode = signal ? 128 + (constants.signals[signal] ?? 0) : 1;
      this.emit('exit', code ?? signalCode);
    });
  }
  get pid(): number | undefined {
    return this.exited ? undefined : this.child.pid;
  }
  postMessage(message: unknown, transfer: FakeMessagePortMain[] = []): void {
    this.posted.push({ message, ports: transfer.length });
    if (!this.child.connected) return;
    const ids = transfer.map((port) => this.carry(port));
    this.child.send(ids.length > 0 ? { raptrFakePorts: ids, data: message } : (message as object));
  }
  kill(): boolean {
    return this.child.kill('SIGTERM');
  }

  /** Relays a transferred port's traffic over the IPC channel. */
  private carry(port: FakeMessagePortMain): number {
    const id = this.nextPort++;
    this.ports.set(id, port);
    port.on('message', ({ data }: { data: unknown }) => {
      if (this.child.connected) this.child.send({ raptrFakePort: id, data } satisfies PortTunnelMessage);
    });
    port.on('close', () => {
      if (this.child.connected)
        this.child.send({ raptrFakePort: id, close: true } satisfies PortTunnelMessage);
    });
    port.start();
    return id;
  }
}

export class FakeUtilityProcessModule {
  readonly forks: ForkRecord[] = [];
  readonly processes: FakeUtilityProcess[] = [];
  readonly fork = (modulePath: string, args: string[] = [], options: ForkRecord['options'] = {}) => {
    const record = { modulePath, args, options };
    this.forks.push(record);
    const process = new FakeUtilityProcess(record);
    this.processes.push(process);
    return process;
  };
}
