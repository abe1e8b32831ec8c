// What a subnetwork policy hands the engine at every optimizer step.
import type { PolicyKind } from '../../../shared/config/schema.js';
import type { RngState } from '../../../shared/rng.js';
import type { StagePlan } from '../../../shared/trainer-protocol.js';

/**
 * Which stage a step belongs to. A lookup rather than a fixed list, because adaptive stage lengths move
 * stage ends while the run trains (shared/adaptive-schedule.ts's StageSchedule is the run's).
 */
export interface StageLookup {
  stageAt(step: number): StagePlan;
}

export interface StepMask {
  /** Blocks that exist this step (stacking grows it; otherwise L). */
  depth: number;
  /** Length L; false for bypassed or not-yet-grown blocks. */
  active: boolean[];
  /** Length L; the residual-branch factor a of each active block (1 where inactive). */
  scales: number[];
  activeCount: number;
  /** One summary number for the UI: the mean a over the active blocks. */
  scale: number;
}

export interface SubnetPolicy {
  readonly kind: PolicyKind;
  /**
   * The mask for 0-based optimizer `step`. Call it exactly once per optimizer step, in increasing step
   * order: random policies consume their RNG stream here, so an extra call (say, for logging) would change
   * every later mask and break same-seed reproducibility and resume. Keep the returned mask instead.
   */
  maskAt(step: number): StepMask;
  /** The mask stream's RNG state after the last maskAt, for checkpoints (resume with Rng.fromState). */
  rngState(): RngState;
}
