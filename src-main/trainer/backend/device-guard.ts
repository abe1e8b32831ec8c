// A step's check on the device it ran on. On a GPU a failed allocation or a lost device does not throw
// where it happens: WebGPU reports it later, through error scopes and the device's `lost` promise. The
// train loop brackets each step with begin() / end(), so such a failure stops the run at that step with
// a reason, instead of training on in silence with garbage. CPU backends have nothing to check.
import type { Tensor } from '../tf.js';

export interface DeviceGuard {
  /** Called before the step's tensor work. */
  begin(): void;
  /** Resolves once the device has run the step's work; rejects with the reason when it failed. */
  end(): Promise<void>;
  /** Rejects when the device is lost, so a readback waiting on a dead device gives up. */
  readonly lost: Promise<never>;
}

const NONE: DeviceGuard = {
  begin: () => {},
  end: async () => {},
  lost: new Promise<never>(() => {}),
};

let current: DeviceGuard = NONE;

export function setDeviceGuard(guard: DeviceGuard | null): void {
  current = guard ?? NONE;
}

export function deviceGuard(): DeviceGuard {
  return current;
}

/**
 * Runs one step's tensor work under the guard and reads its result back in one transfer (the only
 * readback of a training step). A device failure during the step wins over whatever error it caused.
 */
export async function runGuarded(work: () => Tensor): Promise<Float32Array> {
  const guard = current;
  guard.begin();
  let result: Tensor | null = null;
  let failure: unknown = null;
  try {
    result = work();
  } catch (error) {
    failure = error;
  }
  const checked = guard.end();
  try {
    if (failure !== null) {
      await checked;
      throw failure;
    }
    const [values] = await Promise.all([Promise.race([result!.data(), guard.lost]), checked]);
    return values as Float32Array;
  } finally {
    checked.catch(() => {});
    result?.dispose();
  }
}
