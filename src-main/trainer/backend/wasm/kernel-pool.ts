// Worker threads that run the other parts of a parallel kernel on tfjs's shared heap (kernel-worker.ts).
// A call runs part 0 on this thread while the workers run theirs, and returns when every part is done, so
// kernels stay synchronous, as tfjs kernels must be. Workers sleep on a futex between calls (after a short
// spin), hold no event-loop reference (an idle pool never keeps a process alive) and stop on close().
import { Worker } from 'node:worker_threads';
import { CONTROL_LAYOUT, createControlBlock } from './control-block.js';
import { KERNEL_WORKER_SOURCE, type KernelWorkerData } from './kernel-worker.js';

/**
 * How long a thread polls before sleeping: about the gap between two kernels of a training step, so that
 * within a step the workers rarely need waking (each wake-up costs tens of microseconds).
 */
const SPIN_MICROS = 200;
/** A call that has not finished after this long means a worker is gone; better an error than a hang. */
const STALLED_MS = 300_000;

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
  /** Whether this thread may block in Atomics.wait (Node's main thread may; a browser's may not). */
  private readonly canSleep = atomicsWaitAllowed();
  private lost: Error | null = null;
  private closing: Promise<void> | null = null;

  private constructor(
    readonly threads: number,
    control: SharedArrayBuffer,
    private readonly workers: Worker[],
  ) {
    this.header = new Int32Array(control, 0, CONTROL_LAYOUT.headerInts);
    this.args = new Float64Array(control, CONTROL_LAYOUT.argsOffset, CONTROL_LAYOUT.maxArgs);
    this.errorText = new Uint8Array(control, CONTROL_LAYOUT.errorOffset, CONTROL_LAYOUT.errorBytes);
    for (const worker of workers) {
      worker.on('error', (error) => (this.lost = error));
      worker.on('exit', (code) => {
        if (!this.closing) this.lost ??= new Error(`a kernel thread exited (code ${code})`);
      });
    }
  }

  /** Starts threads - 1 workers and resolves once each has its kernels instantiated. */
  static async start(options: KernelPoolOptions): Promise<KernelPool> {
    if (!Number.isInteger(options.threads) || options.threads < 2)
      throw new Error(`a kernel pool needs at least 2 threads, got ${options.threads}`);
    const control = createControlBlock();
    const workers = Array.from({ length: options.threads - 1 }, (_, i) => {
      const workerData: KernelWorkerData = {
        module: options.module,
        memory: options.memory,
        control,
        layout: CONTROL_LAYOUT,
        kernels: options.kernels,
        part: i + 1,
        spinMicros: SPIN_MICROS,
      };
      return new Worker(KERNEL_WORKER_SOURCE, { eval: true, workerData, name: `raptr-kernels-${i + 1}` });
    });
    const pool = new KernelPool(options.threads, control, workers);
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            worker.once('online', () => resolve());
            worker.once('error', reject);
          }),
      ),
    );
    for (const worker of workers) worker.unref();
    return pool;
  }

  /** Worker threads running now (threads - 1 until close()). */
  get workerCount(): number {
    return this.closing ? 0 : this.workers.length;
  }

  /**
   * Runs kernel `kernel` (an index into the pool's kernel names) with `args` plus (part, threads) on every
   * worker, and `own` (part 0) here; throws what any part threw, after all parts have finished.
   */
  run(kernel: number, args: ReadonlyArray<number | boolean>, own: () => void): void {
    if (this.closing) throw new Error('the kernel threads were stopped');
    if (this.lost) throw new Error(`a kernel thread failed: ${this.lost.message}`);
    if (args.length > this.args.length)
      throw new Error(`a kernel call has more than ${this.args.length} arguments`);
    const slot = CONTROL_LAYOUT.slots;
    for (let i = 0; i < args.length; i++) this.args[i] = Number(args[i]);
    this.header[slot.kernel] = kernel;
    this.header[slot.argc] = args.length;
    this.header[slot.parts] = this.threads;
    Atomics.store(this.header, slot.done, 0);
    Atomics.add(this.header, slot.generation, 1);
    Atomics.notify(this.header, slot.generation);
    let ownError: unknown = null;
    try {
      own();
    } catch (error) {
      ownError = error;
    }
    // Every part must have finished before this call returns, or throws: the next call reuses the block.
    this.waitForWorkers();
    const failed = Atomics.exchange(this.header, slot.failed, 0);
    if (ownError !== null) throw ownError;
    if (failed !== 0) {
      const text = new TextDecoder().decode(this.errorText.slice()).replace(/\0+$/, '');
      throw new Error(`a kernel failed on thread ${failed}: ${text}`);
    }
  }

  /** Stops the workers and resolves when they have exited. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const slot = CONTROL_LAYOUT.slots;
      Atomics.store(this.header, slot.stop, 1);
      Atomics.add(this.header, slot.generation, 1);
      Atomics.notify(this.header, slot.generation);
      await Promise.all(
        this.workers.map((worker) => {
          const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
          // A worker stuck in a kernel would never read the stop flag.
          const timer = setTimeout(() => void worker.terminate(), 5000);
          return exited.finally(() => clearTimeout(timer));
        }),
      );
    })();
    return this.closing;
  }

  private waitForWorkers(): void {
    const done = CONTROL_LAYOUT.slots.done;
    const expected = this.threads - 1;
    const started = performance.now();
    for (let polls = 1; ; polls++) {
      const count = Atomics.load(this.header, done);
      if (count === expected) return;
      if (polls % 256 !== 0) continue;
      const waited = performance.now() - started;
      if (this.canSleep && waited > SPIN_MICROS / 1000) Atomics.wait(this.header, done, count, 1000);
      if (waited > STALLED_MS) {
        this.lost = new Error('kernel threads stopped responding');
        throw this.lost;
      }
    }
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
