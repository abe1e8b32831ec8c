// The thread that starts the kernel workers and watches them. A worker's 'error' and 'exit' events reach
// only the thread that started it, through that thread's event loop; the pool's own thread is blocked in a
// kernel call (tfjs kernels are synchronous) and would see them only after a call that can never finish.
// This thread's event loop is always free: when a worker crashes, runs out of memory or exits, it writes
// which and why into the control block and wakes the pool's thread, which fails the call at once.
//
// Like the workers, it starts from its function's source text (see kernel-worker.ts) and must not use
// anything from outside its own body.
import type * as WorkerThreads from 'node:worker_threads';
import type { ControlLayout } from './control-block.js';
import type { KernelWorkerData } from './kernel-worker.js';

export interface SupervisorData {
  /** The source a kernel worker runs (KERNEL_WORKER_SOURCE). */
  workerSource: string;
  /** One entry per worker, in part order (parts 1, 2, ...). */
  workers: KernelWorkerData[];
  control: SharedArrayBuffer;
  layout: ControlLayout;
  /** Value written into a lost worker's part state (PART_GONE). */
  gone: number;
  /** How long workers get to leave after a stop before they are terminated. */
  stopGraceMs: number;
}

/** What the pool's thread sends: stop every worker, or end one as a crash would (tests). */
export type SupervisorCommand = { type: 'stop' } | { type: 'terminate'; part: number };

/** What the supervisor sends back once: every worker is ready, or one could not start. */
export type SupervisorReport = { type: 'ready' } | { type: 'failed'; message: string };

function kernelSupervisorMain(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const threads = require('node:worker_threads') as typeof WorkerThreads;
  const data = threads.workerData as SupervisorData;
  const port = threads.parentPort!;
  const { layout } = data;
  const header = new Int32Array(data.control, 0, layout.headerInts);
  const lostText = new Uint8Array(data.control, layout.lostOffset, layout.lostBytes);
  const partState = new Int32Array(data.control, layout.partsOffset, layout.maxParts);
  const slot = layout.slots;
  let stopping = false;
  let running = data.workers.length;

  const lose = (part: number, why: string) => {
    if (stopping || Atomics.load(header, slot.stop) !== 0) return;
    Atomics.store(partState, part, data.gone);
    // The first loss is the reason: its text goes in before the flag the pool's thread reads.
    if (Atomics.load(header, slot.lost) === 0) {
      lostText.fill(0);
      lostText.set(new TextEncoder().encode(why).subarray(0, lostText.length));
      Atomics.store(header, slot.lost, part);
    }
    // The pool's thread may be asleep waiting for the done count.
    Atomics.notify(header, slot.done);
  };

  const workers = data.workers.map((workerData) => {
    const worker = new threads.Worker(data.workerSource, {
      eval: true,
      workerData,
      name: `raptr-kernels-${workerData.part}`,
    });
    let crash: Error | null = null;
    // A crash (an uncaught error, running out of memory) comes as 'error', then 'exit'.
    worker.on('error', (error) => (crash = error));
    worker.on('exit', (code) => {
      running--;
      const of = `kernel thread ${workerData.part} of ${data.workers.length + 1}`;
      lose(
        workerData.part,
        crash ? `${of} crashed: ${crash.message}` : `${of} exited unexpectedly (exit code ${code})`,
      );
      // Once stopped and every worker is gone, nothing keeps this thread: it ends, and the pool with it.
      if (running === 0 && stopping) port.close();
    });
    return worker;
  });

  Promise.all(
    workers.map(
      (worker) =>
        new Promise<void>((resolve, reject) => {
          worker.once('online', () => resolve());
          worker.once('error', reject);
        }),
    ),
  ).then(
    () => port.postMessage({ type: 'ready' } satisfies SupervisorReport),
    (error: unknown) =>
      port.postMessage({
        type: 'failed',
        // Inline, not shared/error-text.ts's errorMessage: this function runs from its own source text.
        message: error instanceof Error ? error.message : String(error),
      } satisfies SupervisorReport),
  );

  port.on('message', (command: SupervisorCommand) => {
    if (command.type === 'terminate') {
      void workers[command.part - 1]?.terminate();
      return;
    }
    stopping = true;
    if (running === 0) port.close();
    // The pool's thread set the stop flag; a worker stuck in a kernel would never read it.
    const timer = setTimeout(() => workers.forEach((worker) => void worker.terminate()), data.stopGraceMs);
    timer.unref();
  });
}

/** The source a Worker with { eval: true } runs. */
export const KERNEL_SUPERVISOR_SOURCE = `(${kernelSupervisorMain.toString()})()`;
