// A step's check on the device it ran on. On a GPU a failed allocation or a lost device does not throw
// where it happens: WebGPU reports it later, through error scopes and the device's `lost` promise. The
// train loop brackets each step with begin() / end(), so such a failure stops the run at that step with
// a reason, instead of training on in silence with garbage. CPU backends have nothing to check.
import { tf, type Tensor } from '../tf.js';

export interface DeviceGuard {
  /** Called before the step's tensor work. */
  begin(): void;
  /** Resolves once the device has run the step's work; rejects with the reason when it failed. */
  end(): Promise<void>;
  /** Rejects when the device is lost, so a readback waiting on a dead device gives up. */
  readonly lost: Promise<never>;
  /**
   * The error a run that failed with `error` reports: the device's loss when the device was lost (which
   * may be told a moment after the failure it caused, e.g. a readback's "Failed to execute 'mapAsync'"),
   * else `error` itself.
   */
  explain(error: unknown): Promise<unknown>;
}

const NONE: DeviceGuard = {
  begin: () => {},
  end: async () => {},
  lost: new Promise<never>(() => {}),
  explain: async (error) => error,
};

const guards = new Map<string, DeviceGuard>();

/** Sets the guard of one backend (by its tfjs name). */
export function setDeviceGuard(backendName: string, guard: DeviceGuard): void {
  guards.set(backendName, guard);
}

/** The guard of the current backend. */
export function deviceGuard(): DeviceGuard {
  return guards.get(tf.getBackend()) ?? NONE;
}

/**
 * Runs one step's tensor work under the guard and reads its result back in one transfer (the only
 * readback of a training step). A device failure during the step wins over whatever error it caused.
 */
export async function runGuarded(work: () => Tensor): Promise<Float32Array> {
  const guard = deviceGuard();
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
