// What the registered wasm kernels call: the kernels themselves, and `run`, which splits a parallel kernel
// between the pool's threads when the call is big enough to pay for waking them. Results are the same
// either way (kernels/assembly/parts.ts), so the split is only a question of speed, and the thread count
// can change between steps (the run manager shares the cores between concurrent runs).
import { KernelPool } from './kernel-pool.js';
import { PARALLEL_KERNELS, type ParallelKernel, type PartArgs, type RaptrKernels } from './kernel-module.js';

/**
 * Work (multiply-adds, or element operations weighted alike) below which a call stays on one thread:
 * handing a call to the workers and waiting for them costs a few tens of microseconds.
 */
const MIN_PARALLEL_WORK = 150_000;

export class KernelRunner {
  private pool: KernelPool | null = null;
  /** Calls below this much work stay on one thread; tests set 0 to split every call, however small. */
  minParallelWork = MIN_PARALLEL_WORK;
  /** Calls split between threads so far (tests check that threads were used at all). */
  splitCalls = 0;

  constructor(
    readonly kernels: RaptrKernels,
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    /** Whether the heap is shared, so that threads are possible at all. */
    readonly shared: boolean,
  ) {}

  /** The heap's memory as it is now (it changes when tfjs grows the heap). */
  get heap(): ArrayBufferLike {
    return this.memory.buffer;
  }

  /** Threads the parallel kernels use now. */
  get threads(): number {
    return this.pool?.threads ?? 1;
  }

  /** Worker threads running now (threads - 1). */
  get workerCount(): number {
    return this.pool?.workerCount ?? 0;
  }

  /** Uses `threads` threads from now on (1 on a heap that is not shared); resolves with the count in use. */
  async setThreads(threads: number): Promise<number> {
    const wanted = this.shared ? Math.max(1, Math.floor(threads)) : 1;
    if (wanted === this.threads) return wanted;
    const old = this.pool;
    this.pool = null;
    await old?.close();
    if (wanted > 1)
      this.pool = await KernelPool.start({
        module: this.module,
        memory: this.memory,
        threads: wanted,
        kernels: PARALLEL_KERNELS,
      });
    return this.threads;
  }

  /** Ends worker `part` as a crash would (tests of a run whose worker dies; see KernelPool). */
  terminateWorker(part: number): void {
    if (!this.pool) throw new Error('no kernel threads are running');
    this.pool.terminateWorker(part);
  }

  /** Parts to split a call of about `work` operations into: every thread, or 1 when threads would not pay. */
  parts(work: number): number {
    return work >= this.minParallelWork ? this.threads : 1;
  }

  /** Runs every part of `name`: parts 1.. on the workers and part 0 here, or all of it here when parts is 1. */
  run<K extends ParallelKernel>(name: K, args: PartArgs<K>, parts: number): void {
    const kernel = this.kernels[name] as unknown as (...values: Array<number | boolean>) => void;
    const values = args as unknown as Array<number | boolean>;
    if (parts === 1 || !this.pool) {
      kernel(...values, 0, 1);
      return;
    }
    if (parts !== this.pool.threads)
      throw new Error(`${name}: split in ${parts} parts on ${this.pool.threads} threads`);
    this.splitCalls++;
    this.pool.run(PARALLEL_KERNELS.indexOf(name), values, () => kernel(...values, 0, parts));
  }
}
