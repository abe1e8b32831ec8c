// utilityProcess.fork backed by child_process.fork of the same module: a real trainer process, with the
// UtilityProcess surface main uses (message, exit with a code only, kill() = SIGTERM, piped stdio). The
// child gets an emulated process.parentPort (parent-port-shim.mjs), as in a real utility process.
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';

const parentPortShim = new URL('./parent-port-shim.mjs', import.meta.url).href;

export interface ForkRecord {
  modulePath: string;
  args: string[];
  options: { serviceName?: string; stdio?: string | string[]; env?: Record<string, string> };
}

export class FakeUtilityProcess extends EventEmitter {
  private readonly child: ChildProcess;
  private exited = false;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;

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
    });
    this.stdout = this.child.stdout;
    this.stderr = this.child.stderr;
    this.child.on('spawn', () => this.emit('spawn'));
    this.child.on('message', (message) => this.emit('message', message));
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      // Electron reports a number only; a signal death shows as the shell's 128 + signal number.
      const signalCode = signal ? 128 + (constants.signals[signal] ?? 0) : 1;
      this.emit('exit', code ?? signalCode);
    });
  }
  get pid(): number | undefined {
    return this.exited ? undefined : this.child.pid;
  }
  postMessage(message: unknown): void {
    if (this.child.connected) this.child.send(message as object);
  }
  kill(): boolean {
    return this.child.kill('SIGTERM');
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
