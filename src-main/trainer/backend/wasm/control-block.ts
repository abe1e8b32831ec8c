// The shared memory through which the pool's thread hands a kernel call to its workers: an Int32 header
// (generation counter, done count, kernel index, argument count, parts, stop and failure flags), the
// arguments as float64 (every i32 pointer and f32 value fits exactly), and a failure's message.

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
  };
  argsOffset: number;
  maxArgs: number;
  errorOffset: number;
  errorBytes: number;
}

export const CONTROL_LAYOUT: ControlLayout = {
  headerInts: 16,
  slots: { generation: 0, done: 1, kernel: 2, argc: 3, parts: 4, stop: 5, failed: 6 },
  argsOffset: 64,
  maxArgs: 32,
  errorOffset: 64 + 32 * 8,
  errorBytes: 1024,
};

export function createControlBlock(): SharedArrayBuffer {
  return new SharedArrayBuffer(CONTROL_LAYOUT.errorOffset + CONTROL_LAYOUT.errorBytes);
}
