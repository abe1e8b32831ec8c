// The metric series a step message becomes. Keys follow TensorBoard's "group/name" convention so charts can
// group them; the per-step row (steps table) keeps what is not a plain number: mask, stage, x values.
import type { StepIngest } from './messages.js';

export const STEP_SERIES = [
  ['train/loss', (m: StepIngest) => m.loss],
  ['train/lr', (m: StepIngest) => m.lr],
  ['train/active', (m: StepIngest) => m.active],
  ['train/scale', (m: StepIngest) => m.scale],
  ['perf/step_ms', (m: StepIngest) => m.stepMs],
  ['perf/examples_per_s', (m: StepIngest) => m.examplesPerSec],
] as const satisfies ReadonlyArray<readonly [string, (m: StepIngest) => number | null]>;

export const STEP_SERIES_KEYS: readonly string[] = STEP_SERIES.map(([key]) => key);
