// Worker threads that run the other parts of a parallel kernel on tfjs's shared heap (kernel-worker.ts).
// A call runs part 0 on this thread while the workers run theirs, and returns when every part is done, so
// kernels stay synchronous, as tfjs kernels must be. Workers sleep on a futex between calls (after a short
// spin), hold no event-loop reference (an idle pool never keeps a process alive) and stop on close().
// A supervisor thread starts and watches them (kernel-supervisor.ts): a worker that crashes or exits fails
// the call in progress, or the next one, at once, with the reason.
import { Worker } from 'node:worker_threads';
import { CONTROL_LAYOUT, createControlBlock, PART_GONE } from './control-block.js';
import {
  KERNEL_SUPERVISOR_SOURCE,
  type SupervisorCommand,
  type SupervisorData,
  type SupervisorReport,
} from './kernel-supervisor.js';
import { KERNEL_WORKER_SOURCE } from './kernel-worker.js';

/**
 * How long a thread polls before sleeping: about the gap between two kernels of a training step, so that
 * within a step the workers rarely need waking (each wake-up costs tens of microseconds).
 */
const SPIN_MICROS = 200;
/**
 * A call that has not finished after this long, with every worker alive, means a worker hangs (a dead one
 * is reported by the supervisor at once); better an error than a hang.
 */
const STALLED_MS = 300_000;
/** How long workers get to leave after a stop before they are terminated. */
const STOP_GRACE_MS = 5000;

export interface KernelPoolOptions {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Threads in all, this one included (so threads - 1 workers). */
  threads: number;
  /** Export names by kernel index. */
  kernels: readonly string[];
}

export class KernelPool {
  private readonly header: Int32Array;
  private readonly args: Float64Array;
  private readonly errorText: Uint8Array;
  private readonly lostText: Uint8Array;
  /** Per part: the generation of the last call it finished, or PART_GONE. */
  private readonly partState: Int32Array;
  /** Whether this thread may block in Atomics.wait (Node's main thread may; a browser's may not). */
  private readonly canSleep = atomicsWaitAllowed();
  private lost: Error | null = null;
  /** Resolves when the supervisor has exited (after close(), or if it ever failed). */
  private readonly supervisorExited: Promise<void>;
  private closing: Promise<void> | null = null;

  private constructor(
    readonly threads: number,
    control: SharedArrayBuffer,
    /** Starts the workers, watches them, and ends when they have all ended. */
    private readonly supervisor: Worker,
  ) {
    const layout = CONTROL_LAYOUT;
    this.header = new Int32Array(control, 0, layout.headerInts);
    this.args = new Float64Array(control, layout.argsOffset, layout.maxArgs);
    this.errorText = new Uint8Array(control, layout.errorOffset, layout.errorBytes);
    this.lostText = new Uint8Array(control, layout.lostOffset, layout.lostBytes);
    this.partState = new Int32Array(control, layout.partsOffset, layout.maxParts);
    supervisor.on(
      'error',
      (error) => (this.lost ??= new Error(`the kernel supervisor failed: ${error.message}`)),
    );
    this.supervisorExited = new Promise((resolve) => supervisor.once('exit', () => resolve()));
    supervisor.on('exit', (code) => {
      if (!this.closing) this.lost ??= new Error(`the kernel supervisor exited (code ${code})`);
    });
  }

  /** Starts threads - 1 workers and resolves once each has its kernels instantiated. */
  static async start(options: KernelPoolOptions): Promise<KernelPool> {
    if (!Number.isInteger(options.threads) || options.threads < 2)
      throw new Error(`a kernel pool needs at least 2 threads, got ${options.threads}`);
    if (options.threads > CONTROL_LAYOUT.maxParts)
      throw new Error(`a kernel pool has at most ${CONTROL_LAYOUT.maxParts} threads, got ${options.threads}`);
    const control = createControlBlock();
    const supervisorData: SupervisorData = {
      workerSource: KERNEL_WORKER_SOURCE,
      workers: Array.from({ length: options.threads - 1 }, (_, i) => ({
        module: options.module,
        memory: options.memory,
        control,
        layout: CONTROL_LAYOUT,
        kernels: options.kernels,
        part: i + 1,
        spinMicros: SPIN_MICROS,
      })),
      control,
      layout: CONTROL_LAYOUT,
      gone: PART_GONE,
      stopGraceMs: STOP_GRACE_MS,
    };
    const supervisor = new Worker(KERNEL_SUPERVISOR_SOURCE, {
      eval: true,
      workerData: supervisorData,
      name: 'raptr-kernel-supervisor',
    });
    const pool = new KernelPool(options.threads, control, supervisor);
    try {
      await new Promise<void>((resolve, reject) => {
        supervisor.once('message', (report: SupervisorReport) =>
          report.type === 'ready'
            ? resolve()
            : reject(new Error(`kernel threads did not start: ${report.message}`)),
        );
        supervisor.once('error', reject);
        supervisor.once('exit', (code) =>
          reject(new Error(`kernel threads did not start (exit code ${code})`)),
        );
      });
    } catch (error) {
      await pool.close();
      throw error;
    }
    supervisor.unref();
    return pool;
  }

  /** Worker threads running now (threads - 1 until close()). */
  get workerCount(): number {
    return this.closing ? 0 : this.threads - 1;
  }

  /**
   * Ends worker `part` the way a crash would, without warning (tests of what a run does when a worker
   * dies); the call in progress, or the next, fails with the reason.
   */
  terminateWorker(part: number): void {
    this.supervisor.postMessage({ type: 'terminate', part } satisfies SupervisorCommand);
  }

  /**
   * Runs kernel `kernel` (an index into the pool's kernel names) with `args` plus (part, threads) on every
   * worker, and `own` (part 0) here; throws what any part threw, after all parts have finished.
   */
  run(kernel: number, args: ReadonlyArray<number | boolean>, own: () => void): void {
    if (this.closing) throw new Error('the kernel threads were stopped');
    if (Atomics.load(this.header, CONTROL_LAYOUT.slots.lost) !== 0) throw this.workerLost();
    if (this.lost) throw this.lost;
    if (args.length > this.args.length)
      throw new Error(`a kernel call has more than ${this.args.length} arguments`);
    const slot = CONTROL_LAYOUT.slots;
    for (let i = 0; i < args.length; i++) this.args[i] = Number(args[i]);
    this.header[slot.kernel] = kernel;
    this.header[slot.argc] = args.length;
    this.header[slot.parts] = this.threads;
    Atomics.store(this.header, slot.done, 0);
    const generation = (Atomics.add(this.header, slot.generation, 1) + 1) | 0;
    Atomics.notify(this.header, slot.generation);
    let ownError: unknown = null;
    try {
      own();
    } catch (error) {
      ownError = error;
    }
    // Every part must have finished before this call returns, or throws: the next call reuses the block.
    this.waitForWorkers(generation);
    const failed = Atomics.exchange(this.header, slot.failed, 0);
    if (ownError !== null) throw ownError;
    if (failed !== 0) {
      const text = new TextDecoder().decode(this.errorText.slice()).replace(/\0+$/, '');
      throw new Error(`a kernel failed on thread ${failed}: ${text}`);
    }
  }

  /** Stops the workers and resolves when they (and their supervisor) have exited. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const slot = CONTROL_LAYOUT.slots;
      Atomics.store(this.header, slot.stop, 1);
      Atomics.add(this.header, slot.generation, 1);
      Atomics.notify(this.header, slot.generation);
      this.supervisor.postMessage({ type: 'stop' } satisfies SupervisorCommand);
      // The supervisor terminates workers that do not leave in time; this is for a supervisor that hangs.
      const timer = setTimeout(() => void this.supervisor.terminate(), 2 * STOP_GRACE_MS);
      await this.supervisorExited.finally(() => clearTimeout(timer));
    })();
    return this.closing;
  }

  private waitForWorkers(generation: number): void {
    const slot = CONTROL_LAYOUT.slots;
    const expected = this.threads - 1;
    const started = performance.now();
    for (let polls = 1; ; polls++) {
      const count = Atomics.load(this.header, slot.done);
      if (count === expected) return;
      if (polls % 256 !== 0) continue;
      if (Atomics.load(this.header, slot.lost) !== 0) {
        this.waitForLiveParts(generation, started);
        throw this.workerLost();
      }
      const waited = performance.now() - started;
      if (this.canSleep && waited > SPIN_MICROS / 1000) Atomics.wait(this.header, slot.done, count, 1000);
      if (waited > STALLED_MS) {
        this.lost = new Error('kernel threads stopped responding');
        throw this.lost;
      }
    }
  }

  /**
   * After a worker died: the parts still running write into tensors, so they must finish before the
   * error reaches tfjs, which may free those tensors.
   */
  private waitForLiveParts(generation: number, started: number): void {
    for (let part = 1; part < this.threads; part++)
      for (;;) {
        const state = Atomics.load(this.partState, part);
        if (state === generation || state === PART_GONE) break;
        if (performance.now() - started > STALLED_MS) return;
        if (this.canSleep) Atomics.wait(this.partState, part, state, 10);
      }
  }

  /** The error a lost worker leaves: which one, and why (the supervisor wrote it). */
  private workerLost(): Error {
    const why = new TextDecoder().decode(this.lostText.slice()).replace(/\0+$/, '');
    return new Error(why || 'a kernel thread was lost');
  }
}

function atomicsWaitAllowed(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}
