// The shared memory through which the pool's thread hands a kernel call to its workers: an Int32 header
// (generation counter, done count, kernel index, argument count, parts, stop and failure flags, and the
// part of a worker that died), the arguments as float64 (every i32 pointer and f32 value fits exactly),
// a kernel's failure message, why a worker was lost, and each worker's state: the generation of the last
// call it finished, or PART_GONE once it is gone.

export interface ControlLayout {
  headerInts: number;
  slots: {
    generation: number;
    done: number;
    kernel: number;
    argc: number;
    parts: number;
    stop: number;
    failed: number;
    /** The part of a worker that exited or crashed (set by the supervisor, kernel-supervisor.ts), or 0. */
    lost: number;
  };
  argsOffset: number;
  maxArgs: number;
  errorOffset: number;
  errorBytes: number;
  lostOffset: number;
  lostBytes: number;
  /** Int32 per part (index = part, 0 unused): the last generation it finished, or PART_GONE. */
  partsOffset: number;
  maxParts: number;
}

/** A worker's state once it exited or crashed outside a stop. */
export const PART_GONE = -1;

export const CONTROL_LAYOUT: ControlLayout = {
  headerInts: 16,
  slots: { generation: 0, done: 1, kernel: 2, argc: 3, parts: 4, stop: 5, failed: 6, lost: 7 },
  argsOffset: 64,
  maxArgs: 32,
  errorOffset: 64 + 32 * 8,
  errorBytes: 1024,
  lostOffset: 64 + 32 * 8 + 1024,
  lostBytes: 512,
  partsOffset: 64 + 32 * 8 + 1024 + 512,
  maxParts: 256,
};

export function createControlBlock(): SharedArrayBuffer {
  return new SharedArrayBuffer(CONTROL_LAYOUT.partsOffset + 4 * CONTROL_LAYOUT.maxParts);
}
