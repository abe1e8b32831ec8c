// A kernel worker thread. It instantiates the kernels on tfjs's shared memory, then waits for work: each
// time the pool's generation counter moves, it runs its part of the kernel named in the control block,
// counts itself done and waits again, until told to stop. The supervisor (kernel-supervisor.ts) starts it
// and watches it.
//
// The thread starts from this function's source text (Worker's eval option), not from a file: a worker
// script inside Electron's app.asar does not load on every Electron version, and the function needs
// nothing but what it is given. So it must not use anything from outside its own body.
import type { ControlLayout } from './control-block.js';

export interface KernelWorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  layout: ControlLayout;
  /** Export names by kernel index. */
  kernels: readonly string[];
  /** This worker's part (the pool's own thread runs part 0). */
  part: number;
  /**
   * Microseconds to poll the generation counter before sleeping on it: a step's kernels come tens to hundreds
   * of microseconds apart, and waking a sleeping thread costs tens of microseconds each time.
   */
  spinMicros: number;
}

function kernelWorkerMain(): void {
  // An eval'd worker is a CommonJS script: require is how it reaches its data.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { workerData } = require('node:worker_threads') as { workerData: KernelWorkerData };
  const { module, memory, control, layout, kernels, part, spinMicros } = workerData;
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const functions = kernels.map((name) => exports[name] as (...args: number[]) => void);
  const header = new Int32Array(control, 0, layout.headerInts);
  const args = new Float64Array(control, layout.argsOffset, layout.maxArgs);
  const errorText = new Uint8Array(control, layout.errorOffset, layout.errorBytes);
  const finished = new Int32Array(control, layout.partsOffset, layout.maxParts);
  const slot = layout.slots;
  // A fresh control block starts at generation 0; a call may already be waiting when this thread starts.
  let seen = 0;
  for (;;) {
    const spinUntil = performance.now() + spinMicros / 1000;
    for (let i = 1; Atomics.load(header, slot.generation) === seen; i++)
      if (i % 256 === 0 && performance.now() > spinUntil) {
        Atomics.wait(header, slot.generation, seen);
        break;
      }
    const generation = Atomics.load(header, slot.generation);
    if (generation === seen) continue;
    seen = generation;
    if (Atomics.load(header, slot.stop) !== 0) return;
    try {
      const call = Array.from(args.subarray(0, header[slot.argc]!));
      functions[header[slot.kernel]!]!(...call, part, header[slot.parts]!);
    } catch (error) {
      if (Atomics.compareExchange(header, slot.failed, 0, part) === 0) {
        const text = new TextEncoder().encode(String(error)).subarray(0, errorText.length);
        errorText.fill(0);
        errorText.set(text);
      }
    }
    // Which call this part finished: after a worker is lost, the pool waits for the parts still running.
    Atomics.store(finished, part, generation);
    if (Atomics.add(header, slot.done, 1) + 1 === header[slot.parts]! - 1) Atomics.notify(header, slot.done);
  }
}

/** The source a Worker with { eval: true } runs. */
export const KERNEL_WORKER_SOURCE = `(${kernelWorkerMain.toString()})()`;
